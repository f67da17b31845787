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
import { CELL_PIXELS, SPOT_SERVICE_LIMIT, serviceConditions, understandFilters } from "./search.server";

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
  /** mx and my as FINE_BITS-bit integers. */
  gx: Uint32Array;
  gy: Uint32Array;
  cellsByZoom: { cellOf: Uint32Array; cellCount: number }[];
  tree: KDBush;
  /** Services matching search words, asked of the database once per words and copy. */
  wordMatches: Map<string, Promise<Uint8Array>>;
  /** Which services pass, per filter combination (see filterTest). */
  masks: Map<string, Accept>;
}

interface IndexState {
  listening: Promise<unknown> | null;
  current: Snapshot | null;
  stale: boolean;
  building: Promise<void> | null;
  generation: number;
  loadedAt: number;
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
  const codes = (list: readonly string[]) => sql`array[${sql.join(list.map((c) => sql`${c}`), sql`, `)}]::text[]`;
  const [services, taxonomy, points, areaRows] = await Promise.all([
    rows<{
      id: string;
      name: string;
      organisation: string;
      capacity: Capacity;
      min_age: number | null;
      max_age: number | null;
      self: boolean;
      professional: boolean;
      last_checked: number;
    }>(handle, sql`
      select s.id, s.name, o.name as organisation, s.capacity, s.min_age, s.max_age,
        to_char(s.last_checked_on, 'YYYYMMDD')::int as last_checked,
        s.accepts_self_referrals as self, s.accepts_professional_referrals as professional
      from services s join organisations o on o.id = s.organisation_id
      where ${visible}
      order by s.name, s.id`),
    // Needs and categories as bit masks, in the order of SHANARRI_CODES and CATEGORY_CODES.
    rows<{ service_id: string; needs: number | null; categories: number | null }>(handle, sql`
      select stt.service_id,
        bit_or(case when tt.taxonomy = 'shanarri' then 1 << (array_position(${codes(SHANARRI_CODES)}, tt.code) - 1) end) as needs,
        bit_or(case when tt.taxonomy = 'category' then 1 << (array_position(${codes(CATEGORY_CODES)}, tt.code) - 1) end) as categories
      from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
      group by stt.service_id`),
    // Every location of every service (those not published are skipped below, which is cheaper than joining).
    rows<{ service_id: string; lat: number; lng: number }>(handle, sql`
      select sal.service_id, l.latitude as lat, l.longitude as lng
      from service_at_locations sal join locations l on l.id = sal.location_id`),
    rows<{ service_id: string; code: string }>(handle, sql`
      select sa.service_id, sa.code from services s join service_areas sa on sa.service_id = s.id where ${visible}`),
  ]);
  const m = services.length;
  const index = new Map<string, number>();
  const organisationNames = new Map<string, string>(); // one string per organisation, however many services
  const snapshot: Omit<Snapshot, "service" | "lat" | "lng" | "mx" | "my" | "gx" | "gy" | "tree"> = {
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
    masks: new Map(),
    cellsByZoom: [],
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
    snapshot.lastChecked[i] = Number(r.last_checked);
  });
  for (const r of taxonomy) {
    const i = index.get(r.service_id);
    if (i === undefined) continue;
    snapshot.needs[i] = Number(r.needs ?? 0);
    snapshot.categories[i] = Number(r.categories ?? 0);
  }
  for (const r of areaRows) {
    const i = index.get(r.service_id);
    if (i === undefined) continue;
    const list = snapshot.areas.get(r.code) ?? [];
    list.push(i);
    snapshot.areas.set(r.code, list);
  }
  const published = points.filter((p) => index.has(p.service_id));
  const n = published.length;
  const service = new Int32Array(n);
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  const mx = new Float64Array(n);
  const my = new Float64Array(n);
  const gx = new Uint32Array(n);
  const gy = new Uint32Array(n);
  const fine = (v: number) => Math.min(2 ** FINE_BITS - 1, Math.max(0, Math.floor(v * 2 ** FINE_BITS)));
  const tree = new KDBush(Math.max(1, n));
  published.forEach((p, k) => {
    const i = index.get(p.service_id)!;
    service[k] = i;
    lat[k] = Number(p.lat);
    lng[k] = Number(p.lng);
    mx[k] = mercatorX(lng[k]!);
    my[k] = mercatorY(lat[k]!);
    gx[k] = fine(mx[k]!);
    gy[k] = fine(my[k]!);
    snapshot.locationCount[i]!++;
    tree.add(lng[k]!, lat[k]!);
  });
  if (n === 0) tree.add(1000, 1000); // kdbush needs one item; this one lies outside every map
  tree.finish();
  return { ...snapshot, service, lat, lng, mx, my, gx, gy, tree };
}

function stateFor(handle: DatabaseHandle): IndexState {
  let state = states.get(handle);
  if (!state) {
    state = { listening: null, current: null, stale: true, building: null, generation: 0, loadedAt: 0 };
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
  for (let attempt = 0; (state.stale || !state.current) && (attempt < 2 || !state.current); attempt++) await reload(handle, state);
  return state.current!;
}

function reload(handle: DatabaseHandle, state: IndexState): Promise<void> {
  state.building ??= (async () => {
    state.stale = false;
    const startedAt = Date.now();
    try {
      state.current = await load(handle, ++state.generation);
      state.loadedAt = startedAt;
    } catch (error) {
      state.stale = true;
      throw error;
    } finally {
      state.building = null;
    }
  })();
  return state.building;
}

/**
 * A safety net for a notice lost while the LISTEN connection was down (postgres.js listens again by itself, but
 * what was announced meanwhile is gone): a copy older than this is reloaded in the background on the next request.
 */
const MAX_COPY_AGE_MS = 5 * 60_000;

/** The directory's current copy for the map, loaded or reloaded if a change has been announced. */
export async function directorySnapshot(): Promise<Snapshot> {
  const handle = await databaseHandle();
  const state = stateFor(handle);
  if (state.current && !state.stale) {
    if (Date.now() - state.loadedAt > MAX_COPY_AGE_MS && !state.building) void reload(handle, state).catch(() => {});
    return state.current;
  }
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
      // The words as the directory's search understands them (corrections, synonyms), so the map shows what the list lists.
      const understood = await understandFilters({ need: [], accepting: false, q });
      const handle = await databaseHandle();
      const list = await rows<{ id: string }>(handle, sql`select s.id from services s where ${sql.join(serviceConditions(understood), sql` and `)}`);
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

/** One byte per service: 1 if it passes the filters. */
export type Accept = Uint8Array | null;

/**
 * Which services pass the filters, as one byte per service (null when nothing is filtered out). Each filter is one
 * tight pass over a typed array, about a millisecond in all at 100,000 services; masks are kept per copy for the
 * most recent 100 filter combinations.
 */
export async function filterTest(snapshot: Snapshot, filters: DirectoryFilters): Promise<Accept> {
  const { near: _near, ...relevant } = filters;
  const key = JSON.stringify(relevant);
  const kept = snapshot.masks.get(key);
  if (kept) return kept;
  const m = snapshot.ids.length;
  let pass: Uint8Array | null = null;
  const narrow = (keep: (i: number) => boolean) => {
    if (!pass) pass = new Uint8Array(m).fill(1);
    for (let i = 0; i < m; i++) if (pass[i] && !keep(i)) pass[i] = 0;
  };
  if (filters.q) {
    const words = await wordMatches(snapshot, filters.q);
    pass = Uint8Array.from(words);
  }
  const { needs, categories, minAge, maxAge, referral, capacity } = snapshot;
  if (filters.need.length > 0) {
    const wanted = mask(NEED_BITS, filters.need);
    narrow((i) => (needs[i]! & wanted) !== 0);
  }
  if (filters.category) {
    const wanted = mask(CATEGORY_BITS, [filters.category]);
    narrow((i) => (categories[i]! & wanted) !== 0);
  }
  if (filters.age !== undefined) {
    const age = filters.age;
    narrow((i) => (minAge[i] === NO_AGE || minAge[i]! <= age) && (maxAge[i] === NO_AGE || maxAge[i]! >= age));
  }
  if (filters.area) {
    const area = findArea(filters.area);
    const codes = area ? [area.code, area.councilCode] : [filters.area];
    const inArea = new Uint8Array(m);
    for (const code of codes) for (const i of snapshot.areas.get(code) ?? []) inArea[i] = 1;
    narrow((i) => inArea[i] === 1);
  }
  if (filters.referral === "self") narrow((i) => (referral[i]! & SELF) !== 0);
  if (filters.referral === "professional") narrow((i) => (referral[i]! & PROFESSIONAL) !== 0);
  if (filters.accepting) {
    const notAccepting = CAPACITIES.indexOf("not_accepting");
    narrow((i) => capacity[i] !== notAccepting);
  }
  snapshot.masks.set(key, pass);
  while (snapshot.masks.size > 100) snapshot.masks.delete(snapshot.masks.keys().next().value!);
  return pass;
}

// ---------------------------------------------------------------------------------------------------------------
// Answers

const round = (n: number) => Math.round(n * 1e5) / 1e5;

/** Zooms up to this one keep each location's cell precomputed (views there hold most of the directory). */
const PRECOMPUTED_ZOOMS = 10;
const FINE_BITS = 24; // locations' Mercator x and y as integers of this many bits: a cell at zoom z is a shift away

/** Each location's cell number at a zoom (0…cells in use - 1), worked out once per copy and zoom. */
function cellsAt(snapshot: Snapshot, zoom: number): { cellOf: Uint32Array; cellCount: number } {
  let entry = snapshot.cellsByZoom[zoom];
  if (!entry) {
    const shift = FINE_BITS - Math.log2((2 ** zoom * 256) / CELL_PIXELS);
    const numbers = new Map<number, number>();
    const cellOf = new Uint32Array(snapshot.service.length);
    for (let k = 0; k < cellOf.length; k++) {
      const key = (snapshot.gx[k]! >>> shift) * 2 ** 24 + (snapshot.gy[k]! >>> shift);
      let cell = numbers.get(key);
      if (cell === undefined) numbers.set(key, (cell = numbers.size));
      cellOf[k] = cell;
    }
    entry = snapshot.cellsByZoom[zoom] = { cellOf, cellCount: numbers.size };
  }
  return entry;
}

/** Per-cell sums, reused by every view (a view is worked out synchronously, so views never share them at once). */
const scratch = {
  size: 0,
  rows: new Int32Array(0),
  single: new Int32Array(0),
  sumLat: new Float64Array(0),
  sumLng: new Float64Array(0),
  south: new Float64Array(0),
  north: new Float64Array(0),
  west: new Float64Array(0),
  east: new Float64Array(0),
};
function ensureScratch(size: number) {
  if (scratch.size >= size) return;
  const n = Math.max(size, scratch.size * 2, 1024);
  Object.assign(scratch, {
    size: n,
    rows: new Int32Array(n),
    single: new Int32Array(n),
    sumLat: new Float64Array(n),
    sumLng: new Float64Array(n),
    south: new Float64Array(n),
    north: new Float64Array(n),
    west: new Float64Array(n),
    east: new Float64Array(n),
  });
}

/**
 * The map for an area, zoom and filters: the matching locations grouped into cells about CELL_PIXELS wide on screen.
 * A cell whose services all stand on one spot is a point naming them (up to SPOT_SERVICE_LIMIT, by name); any
 * other cell is a cluster with a count, a centre and the area it covers. Counts are of distinct services per cell.
 */
export async function indexedMapView(filters: DirectoryFilters, bbox: BoundingBox, zoom: number): Promise<MapView> {
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  return computeView(snapshot, accept, bbox, zoom);
}

function computeView(snapshot: Snapshot, accept: Accept, [west, south, east, north]: BoundingBox, zoom: number): MapView {
  const { service, lat, lng, locationCount } = snapshot;
  // The locations in view: at low zooms most of the directory, so one pass over all of them with their cells
  // precomputed; closer in, the k-d tree finds the few in view and their cells are numbered as they come.
  let candidates: ArrayLike<number> | null = null;
  let cellOf: Uint32Array;
  let cellCount: number;
  if (zoom <= PRECOMPUTED_ZOOMS) {
    ({ cellOf, cellCount } = cellsAt(snapshot, zoom));
  } else {
    candidates = snapshot.tree.range(west, south, east, north);
    const shift = FINE_BITS - Math.log2((2 ** zoom * 256) / CELL_PIXELS);
    const numbers = new Map<number, number>();
    cellOf = new Uint32Array(candidates.length);
    for (let c = 0; c < candidates.length; c++) {
      const k = candidates[c]!;
      const key = shift >= 0 ? (snapshot.gx[k]! >>> shift) * 2 ** 24 + (snapshot.gy[k]! >>> shift) : Math.floor(snapshot.mx[k]! * (2 ** zoom * 256) / CELL_PIXELS) * 2 ** 30 + Math.floor(snapshot.my[k]! * (2 ** zoom * 256) / CELL_PIXELS);
      let cell = numbers.get(key);
      if (cell === undefined) numbers.set(key, (cell = numbers.size));
      cellOf[c] = cell;
    }
    cellCount = numbers.size;
  }
  ensureScratch(cellCount);
  const { rows, single, sumLat, sumLng } = scratch;
  const s = scratch.south;
  const n = scratch.north;
  const w = scratch.west;
  const e = scratch.east;
  const touched: number[] = [];
  let several: Map<number, Set<number>> | null = null;
  const count = candidates ? candidates.length : service.length;
  for (let c = 0; c < count; c++) {
    const k = candidates ? candidates[c]! : c;
    const y = lat[k]!;
    const x = lng[k]!;
    if (!candidates && (y < south || y > north || x < west || x > east)) continue;
    const i = service[k]!;
    if (accept && accept[i] === 0) continue;
    const cell = cellOf[c]!;
    if (rows[cell] === 0) {
      touched.push(cell);
      s[cell] = n[cell] = y;
      w[cell] = e[cell] = x;
      sumLat[cell] = sumLng[cell] = 0;
      single[cell] = 0;
    } else {
      if (y < s[cell]!) s[cell] = y;
      else if (y > n[cell]!) n[cell] = y;
      if (x < w[cell]!) w[cell] = x;
      else if (x > e[cell]!) e[cell] = x;
    }
    rows[cell]!++;
    sumLat[cell]! += y;
    sumLng[cell]! += x;
    if (locationCount[i] === 1) single[cell]!++;
    else {
      several ??= new Map();
      let set = several.get(cell);
      if (!set) several.set(cell, (set = new Set()));
      set.add(i);
    }
  }
  const clusters: MapCluster[] = [];
  const spots = new Map<number, MapSpot & { members: number[] }>();
  let total = 0;
  for (const cell of touched) {
    const services = single[cell]! + (several?.get(cell)?.size ?? 0);
    total += services;
    if (s[cell] === n[cell] && w[cell] === e[cell]) {
      spots.set(cell, { lat: s[cell]!, lng: w[cell]!, count: services, services: [], members: [] });
    } else {
      clusters.push({
        lat: round(sumLat[cell]! / rows[cell]!),
        lng: round(sumLng[cell]! / rows[cell]!),
        count: services,
        bounds: [w[cell]!, s[cell]!, e[cell]!, n[cell]!].map(round) as BoundingBox,
      });
    }
    rows[cell] = 0; // ready for the next view
  }
  if (spots.size > 0) {
    // A second pass for the services standing on single spots (rare at low zooms, most of the view close in).
    const isSpot = new Uint8Array(cellCount);
    for (const cell of spots.keys()) isSpot[cell] = 1;
    for (let c = 0; c < count; c++) {
      if (isSpot[cellOf[c]!] === 0) continue;
      const k = candidates ? candidates[c]! : c;
      const spot = spots.get(cellOf[c]!);
      if (!spot || lat[k] !== spot.lat || lng[k] !== spot.lng) continue;
      const i = service[k]!;
      if (accept && accept[i] === 0) continue;
      spot.members.push(i);
    }
  }
  const points: MapSpot[] = [...spots.values()].map(({ members, ...spot }) => ({
    ...spot,
    services: [...new Set(members)]
      .sort((a, b) => a - b)
      .slice(0, SPOT_SERVICE_LIMIT)
      .map((i) => ({ id: snapshot.ids[i]!, name: snapshot.names[i]!, organisation: snapshot.organisations[i]!, capacity: CAPACITIES[snapshot.capacity[i]!]! })),
  }));
  return { zoom, total, clusters, points };
}

/** The area covering every matching location (for fitting the map to the results), or null when none match. */
export async function indexedResultBounds(filters: DirectoryFilters): Promise<BoundingBox | null> {
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  const { service, lat, lng } = snapshot;
  for (let k = 0; k < service.length; k++) {
    if (accept && accept[service[k]!] === 0) continue;
    const y = lat[k]!;
    const x = lng[k]!;
    if (x < west) west = x;
    if (x > east) east = x;
    if (y < south) south = y;
    if (y > north) north = y;
  }
  return west === Infinity ? null : [west, south, east, north];
}
