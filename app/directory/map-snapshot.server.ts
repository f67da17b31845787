// The directory held in memory for the map: every published service's filterable facts and every location as
// typed arrays, with a k-d tree (kdbush) over the locations. A map view for any area, zoom and filters is one range
// query and one pass over the locations in view (about a millisecond at 100,000 services), so no view needs the
// database and no filter combination needs an index of its own. See docs/decisions/0018-map-index-in-memory.md.
//
// Fresh within moments on every app server: triggers announce each committed change to the directory on the
// channel fort_directory (db/migrations/…_directory_change_notify.sql); each process LISTENs, marks its copy stale
// and reloads it. A request that finds the copy stale waits for the reload, so once a change's notice has arrived
// no response shows the old state.
import KDBush from "kdbush";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, databaseHandle } from "../db.server";
import { CATEGORY_CODES, type Capacity, SHANARRI_CODES } from "./taxonomy";
import { serviceConditions } from "./search.server";

export const DIRECTORY_CHANNEL = "fort_directory";

export const CAPACITIES: Capacity[] = ["accepting", "waiting_list", "not_accepting"];
export const SELF = 1;
export const PROFESSIONAL = 2;
export const NO_AGE = -1;
export const FINE_BITS = 24; // locations' Mercator x and y as integers of this many bits: a cell at zoom z is a shift away

/** One byte per service: 1 if it passes the filters. */
export type Accept = Uint8Array | null;

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

export async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await handle.db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

export const mercatorX = (lng: number) => (lng + 180) / 360;
export const mercatorY = (lat: number) => (1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2;

async function load(handle: DatabaseHandle, generation: number): Promise<Snapshot> {
  const visible = sql.join(serviceConditions({ need: [], accepting: false }), sql` and `);
  const codes = (list: readonly string[]) =>
    sql`array[${sql.join(
      list.map((c) => sql`${c}`),
      sql`, `,
    )}]::text[]`;
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
    }>(
      handle,
      sql`
      select s.id, s.name, o.name as organisation, s.capacity, s.min_age, s.max_age,
        to_char(s.last_checked_on, 'YYYYMMDD')::int as last_checked,
        s.accepts_self_referrals as self, s.accepts_professional_referrals as professional
      from services s join organisations o on o.id = s.organisation_id
      where ${visible}
      order by s.name, s.id`,
    ),
    // Needs and categories as bit masks, in the order of SHANARRI_CODES and CATEGORY_CODES.
    rows<{ service_id: string; needs: number | null; categories: number | null }>(
      handle,
      sql`
      select stt.service_id,
        bit_or(case when tt.taxonomy = 'shanarri' then 1 << (array_position(${codes(SHANARRI_CODES)}, tt.code) - 1) end) as needs,
        bit_or(case when tt.taxonomy = 'category' then 1 << (array_position(${codes(CATEGORY_CODES)}, tt.code) - 1) end) as categories
      from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
      group by stt.service_id`,
    ),
    // Every location of every service (those not published are skipped below, which is cheaper than joining).
    rows<{ service_id: string; lat: number; lng: number }>(
      handle,
      sql`
      select sal.service_id, l.latitude as lat, l.longitude as lng
      from service_at_locations sal join locations l on l.id = sal.location_id`,
    ),
    rows<{ service_id: string; code: string }>(
      handle,
      sql`
      select sa.service_id, sa.code from services s join service_areas sa on sa.service_id = s.id where ${visible}`,
    ),
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
  state.listening ??= handle
    .listen(DIRECTORY_CHANNEL, () => markStale(handle, state))
    .catch((error) => {
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
