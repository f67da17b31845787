// The directory held in memory for the map: every published service's filterable facts and every location as
// typed arrays, with a k-d tree (kdbush) over the locations. A map view for any area, zoom and filters is one range
// query and one pass over the locations in view (about a millisecond at 100,000 services), so no view needs the
// database and no filter combination needs an index of its own. See docs/decisions/00xx-map-index-in-memory.md.
//
// Fresh within moments on every app server: triggers announce each committed change to the directory on the
// channel fort_directory (db/migrations/…_directory_change_notify.sql); each process LISTENs, marks its copy stale
// and reloads it. A request that finds the copy stale waits for the reload, so once a change's notice has arrived
// no response shows the old state.
import KDBush from "kdbush";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, databaseHandle } from "../db.server";
import { findArea } from "../geo/areas.server";
import type { BoundingBox, DirectoryFilters } from "./filters";
import type { MapCluster, MapSpot, MapView } from "./map";
import { CATEGORY_CODES, type Capacity, SHANARRI_CODES } from "./taxonomy";
import { CELL_PIXELS, SPOT_SERVICE_LIMIT, serviceConditions } from "./search.server";

export const DIRECTORY_CHANNEL = "fort_directory";

const CAPACITIES: Capacity[] = ["accepting", "waiting_list", "not_accepting"];
const SELF = 1;
const PROFESSIONAL = 2;
const NO_AGE = -1;

/** One loaded copy of the directory. Service indexes follow the database's order of names. */
export interface Snapshot {
  generation: number;
  // Per service
  ids: string[];
  names: string[];
  organisations: string[];
  capacity: Uint8Array;
  minAge: Int16Array;
  maxAge: Int16Array;
  referral: Uint8Array;
  needs: Uint8Array;
  categories: Uint32Array;
  locationCount: Uint16Array;
  /** last_checked_on as the number yyyymmdd. */
  lastChecked: Int32Array;
  areas: Map<string, number[]>;
  // Per location of a service
  service: Int32Array;
  lat: Float64Array;
  lng: Float64Array;
  /** Web Mercator x and y from 0 to 1, so a grid cell at any zoom is one multiplication away. */
  mx: Float64Array;
  my: Float64Array;
  tree: KDBush;
  /** Services matching search words, asked of the database once per words and copy. */
  wordMatches: Map<string, Promise<Uint8Array>>;
}

interface IndexState {
  listening: Promise<unknown> | null;
  current: Snapshot | null;
  stale: boolean;
  building: Promise<void> | null;
  generation: number;
}

// One state per database handle (tests give each file its own database; Remix dev reloads modules).
const globalForIndex = globalThis as unknown as { __fortMapIndex?: WeakMap<DatabaseHandle, IndexState> };
const states = (globalForIndex.__fortMapIndex ??= new WeakMap());

async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await handle.db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

const bit = <T extends string>(codes: readonly T[]) => new Map(codes.map((code, i) => [code, 1 << i]));
const NEED_BITS = bit(SHANARRI_CODES);
const CATEGORY_BITS = bit(CATEGORY_CODES);
const mask = (bits: Map<string, number>, codes: string[] | null) => (codes ?? []).reduce((m, c) => m | (bits.get(c) ?? 0), 0);

export const mercatorX = (lng: number) => (lng + 180) / 360;
export const mercatorY = (lat: number) =>
  (1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2;

async function load(handle: DatabaseHandle, generation: number): Promise<Snapshot> {
  const visible = sql.join(serviceConditions({ need: [], accepting: false }), sql` and `);
  const [services, points, areaRows] = await Promise.all([
    rows<{
      id: string;
      name: string;
      organisation: string;
      capacity: Capacity;
      min_age: number | null;
      max_age: number | null;
      self: boolean;
      professional: boolean;
      needs: string[] | null;
      categories: string[] | null;
      last_checked: number;
    }>(handle, sql`
      select s.id, s.name, o.name as organisation, s.capacity, s.min_age, s.max_age,
        to_char(s.last_checked_on, 'YYYYMMDD')::int as last_checked,
        s.accepts_self_referrals as self, s.accepts_professional_referrals as professional,
        array(select tt.code from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
              where stt.service_id = s.id and tt.taxonomy = 'shanarri') as needs,
        array(select tt.code from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
              where stt.service_id = s.id and tt.taxonomy = 'category') as categories
      from services s join organisations o on o.id = s.organisation_id
      where ${visible}
      order by s.name, s.id`),
    rows<{ service_id: string; lat: number; lng: number }>(handle, sql`
      select distinct sal.service_id, l.latitude as lat, l.longitude as lng
      from services s join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
      where ${visible}`),
    rows<{ service_id: string; code: string }>(handle, sql`
      select sa.service_id, sa.code from services s join service_areas sa on sa.service_id = s.id where ${visible}`),
  ]);
  const m = services.length;
  const index = new Map<string, number>();
  const organisationNames = new Map<string, string>(); // one string per organisation, however many services
  const snapshot: Omit<Snapshot, "service" | "lat" | "lng" | "mx" | "my" | "tree"> = {
    generation,
    ids: new Array(m),
    names: new Array(m),
    organisations: new Array(m),
    capacity: new Uint8Array(m),
    minAge: new Int16Array(m),
    maxAge: new Int16Array(m),
    referral: new Uint8Array(m),
    needs: new Uint8Array(m),
    categories: new Uint32Array(m),
    locationCount: new Uint16Array(m),
    lastChecked: new Int32Array(m),
    areas: new Map(),
    wordMatches: new Map(),
  };
  services.forEach((r, i) => {
    index.set(r.id, i);
    snapshot.ids[i] = r.id;
    snapshot.names[i] = r.name;
    if (!organisationNames.has(r.organisation)) organisationNames.set(r.organisation, r.organisation);
    snapshot.organisations[i] = organisationNames.get(r.organisation)!;
    snapshot.capacity[i] = CAPACITIES.indexOf(r.capacity);
    snapshot.minAge[i] = r.min_age ?? NO_AGE;
    snapshot.maxAge[i] = r.max_age ?? NO_AGE;
    snapshot.referral[i] = (r.self ? SELF : 0) | (r.professional ? PROFESSIONAL : 0);
    snapshot.needs[i] = mask(NEED_BITS, r.needs);
    snapshot.categories[i] = mask(CATEGORY_BITS, r.categories);
    snapshot.lastChecked[i] = Number(r.last_checked);
  });
  for (const r of areaRows) {
    const i = index.get(r.service_id);
    if (i === undefined) continue;
    const list = snapshot.areas.get(r.code) ?? [];
    list.push(i);
    snapshot.areas.set(r.code, list);
  }
  const n = points.length;
  const service = new Int32Array(n);
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  const mx = new Float64Array(n);
  const my = new Float64Array(n);
  const tree = new KDBush(Math.max(1, n));
  points.forEach((p, k) => {
    const i = index.get(p.service_id)!;
    service[k] = i;
    lat[k] = Number(p.lat);
    lng[k] = Number(p.lng);
    mx[k] = mercatorX(lng[k]!);
    my[k] = mercatorY(lat[k]!);
    snapshot.locationCount[i]!++;
    tree.add(lng[k]!, lat[k]!);
  });
  if (n === 0) tree.add(1000, 1000); // kdbush needs one item; this one lies outside every map
  tree.finish();
  return { ...snapshot, service, lat, lng, mx, my, tree };
}

function stateFor(handle: DatabaseHandle): IndexState {
  let state = states.get(handle);
  if (!state) {
    state = { listening: null, current: null, stale: true, building: null, generation: 0 };
    states.set(handle, state);
  }
  return state;
}

function markStale(handle: DatabaseHandle, state: IndexState) {
  state.stale = true;
  // Reload at once rather than on the next request, so that request rarely has to wait. Notices arriving together
  // (one per statement of an import) share one reload.
  setTimeout(() => void fresh(handle, state).catch(() => {}), 20).unref?.();
}

async function fresh(handle: DatabaseHandle, state: IndexState): Promise<Snapshot> {
  // Listen before the first load, so no change between the load and the listening is missed.
  state.listening ??= handle.listen(DIRECTORY_CHANNEL, () => markStale(handle, state)).catch((error) => {
    state.listening = null;
    throw error;
  });
  await state.listening;
  // A change arriving during a reload makes it stale again; under a constant stream of changes, a reader waits for
  // at most two reloads and then takes the newest copy.
  for (let attempt = 0; (state.stale || !state.current) && (attempt < 2 || !state.current); attempt++) {
    state.building ??= (async () => {
      state.stale = false;
      try {
        state.current = await load(handle, ++state.generation);
      } catch (error) {
        state.stale = true;
        throw error;
      } finally {
        state.building = null;
      }
    })();
    await state.building;
  }
  return state.current!;
}

/** The directory's current copy for the map, loaded or reloaded if a change has been announced. */
export async function directorySnapshot(): Promise<Snapshot> {
  const handle = await databaseHandle();
  const state = stateFor(handle);
  if (state.current && !state.stale) return state.current;
  return fresh(handle, state);
}

/** Forget this process's copy (for code that changed the directory and must see it in its very next read). */
export async function markDirectoryChanged() {
  const handle = await databaseHandle();
  stateFor(handle).stale = true;
}

/** The generation of the copy in use: views computed from one generation stay right until it changes. */
export async function directoryGeneration(): Promise<number> {
  return (await directorySnapshot()).generation;
}

// ---------------------------------------------------------------------------------------------------------------
// Filters, as a test on a service index. The same rules as serviceConditions in search.server.ts.

async function wordMatches(snapshot: Snapshot, q: string): Promise<Uint8Array> {
  const key = q.toLowerCase();
  let found = snapshot.wordMatches.get(key);
  if (!found) {
    found = (async () => {
      const handle = await databaseHandle();
      const list = await rows<{ id: string }>(handle, sql`select s.id from services s where ${sql.join(serviceConditions({ need: [], accepting: false, q }), sql` and `)}`);
      const index = new Map(snapshot.ids.map((id, i) => [id, i]));
      const matches = new Uint8Array(snapshot.ids.length);
      for (const r of list) {
        const i = index.get(r.id);
        if (i !== undefined) matches[i] = 1;
      }
      return matches;
    })();
    found.catch(() => snapshot.wordMatches.delete(key));
    snapshot.wordMatches.set(key, found);
    while (snapshot.wordMatches.size > 200) snapshot.wordMatches.delete(snapshot.wordMatches.keys().next().value!);
  }
  return found;
}

export type Accept = ((service: number) => boolean) | null;

/** A test for the filters (null when nothing is filtered out). */
export async function filterTest(snapshot: Snapshot, filters: DirectoryFilters): Promise<Accept> {
  const tests: ((i: number) => boolean)[] = [];
  if (filters.q) {
    const words = await wordMatches(snapshot, filters.q);
    tests.push((i) => words[i] === 1);
  }
  if (filters.need.length > 0) {
    const needs = mask(NEED_BITS, filters.need);
    tests.push((i) => (snapshot.needs[i]! & needs) !== 0);
  }
  if (filters.category) {
    const category = mask(CATEGORY_BITS, [filters.category]);
    tests.push((i) => (snapshot.categories[i]! & category) !== 0);
  }
  if (filters.age !== undefined) {
    const age = filters.age;
    tests.push((i) => {
      const min = snapshot.minAge[i]!;
      const max = snapshot.maxAge[i]!;
      return (min === NO_AGE || min <= age) && (max === NO_AGE || max >= age);
    });
  }
  if (filters.area) {
    const area = findArea(filters.area);
    const codes = area ? [area.code, area.councilCode] : [filters.area];
    const inArea = new Uint8Array(snapshot.ids.length);
    for (const code of codes) for (const i of snapshot.areas.get(code) ?? []) inArea[i] = 1;
    tests.push((i) => inArea[i] === 1);
  }
  if (filters.referral === "self") tests.push((i) => (snapshot.referral[i]! & SELF) !== 0);
  if (filters.referral === "professional") tests.push((i) => (snapshot.referral[i]! & PROFESSIONAL) !== 0);
  if (filters.accepting) {
    const notAccepting = CAPACITIES.indexOf("not_accepting");
    tests.push((i) => snapshot.capacity[i] !== notAccepting);
  }
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0]!;
  return (i) => tests.every((test) => test(i));
}

// ---------------------------------------------------------------------------------------------------------------
// Answers

const round = (n: number) => Math.round(n * 1e5) / 1e5;

interface Cell {
  rows: number;
  sumLat: number;
  sumLng: number;
  south: number;
  north: number;
  west: number;
  east: number;
  /** Services with one location are counted once by counting rows; those with several need remembering. */
  single: number;
  several: Set<number> | null;
  /** While every location in the cell stands on one spot: its services. */
  spot: number[] | null;
}

/**
 * The map for an area, zoom and filters: the matching locations grouped into cells about CELL_PIXELS wide on screen.
 * A cell whose services all stand on one spot is a point naming them (up to SPOT_SERVICE_LIMIT, by name); any
 * other cell is a cluster with a count, a centre and the area it covers. Counts are of distinct services per cell.
 */
export async function indexedMapView(filters: DirectoryFilters, [west, south, east, north]: BoundingBox, zoom: number): Promise<MapView> {
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  const cells = (2 ** zoom * 256) / CELL_PIXELS;
  const grid = new Map<number, Cell>();
  const { service, lat, lng, mx, my, locationCount } = snapshot;
  for (const k of snapshot.tree.range(west, south, east, north)) {
    const i = service[k]!;
    if (accept && !accept(i)) continue;
    const y = lat[k]!;
    const x = lng[k]!;
    const key = Math.floor(mx[k]! * cells) * cells + Math.floor(my[k]! * cells);
    let cell = grid.get(key);
    if (!cell) {
      cell = { rows: 0, sumLat: 0, sumLng: 0, south: y, north: y, west: x, east: x, single: 0, several: null, spot: [] };
      grid.set(key, cell);
    }
    cell.rows++;
    cell.sumLat += y;
    cell.sumLng += x;
    if (y < cell.south) cell.south = y;
    if (y > cell.north) cell.north = y;
    if (x < cell.west) cell.west = x;
    if (x > cell.east) cell.east = x;
    if (locationCount[i] === 1) cell.single++;
    else (cell.several ??= new Set()).add(i);
    if (cell.spot) {
      if (cell.south === cell.north && cell.west === cell.east) cell.spot.push(i);
      else cell.spot = null;
    }
  }
  const clusters: MapCluster[] = [];
  const points: MapSpot[] = [];
  let total = 0;
  for (const cell of grid.values()) {
    const count = cell.single + (cell.several?.size ?? 0);
    total += count;
    if (cell.spot) {
      const services = [...new Set(cell.spot)].sort((a, b) => a - b).slice(0, SPOT_SERVICE_LIMIT);
      points.push({
        lat: cell.south,
        lng: cell.west,
        count,
        services: services.map((i) => ({ id: snapshot.ids[i]!, name: snapshot.names[i]!, organisation: snapshot.organisations[i]!, capacity: CAPACITIES[snapshot.capacity[i]!]! })),
      });
    } else {
      clusters.push({
        lat: round(cell.sumLat / cell.rows),
        lng: round(cell.sumLng / cell.rows),
        count,
        bounds: [cell.west, cell.south, cell.east, cell.north].map(round) as BoundingBox,
      });
    }
  }
  return { zoom, total, clusters, points };
}

/** The area covering every matching location (for fitting the map to the results), or null when none match. */
export async function indexedResultBounds(filters: DirectoryFilters): Promise<BoundingBox | null> {
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  const { service, lat, lng } = snapshot;
  for (let k = 0; k < service.length; k++) {
    if (accept && !accept(service[k]!)) continue;
    const y = lat[k]!;
    const x = lng[k]!;
    if (x < west) west = x;
    if (x > east) east = x;
    if (y < south) south = y;
    if (y > north) north = y;
  }
  return west === Infinity ? null : [west, south, east, north];
}
