// The map's answers from its copy of the directory (map-snapshot.server.ts): the matching locations in view grouped
// into cells, and the area covering all matches.
import type { BoundingBox, DirectoryFilters } from "./filters";
import type { MapCluster, MapSpot, MapView } from "./map";
import { filterTest } from "./map-filter.server";
import { type Accept, CAPACITIES, FINE_BITS, type Snapshot, directorySnapshot } from "./map-snapshot.server";
import { CELL_PIXELS, SPOT_SERVICE_LIMIT } from "./map-sql.server";

const round = (n: number) => Math.round(n * 1e5) / 1e5;

/** Zooms up to this one keep each location's cell precomputed (views there hold most of the directory). */
const PRECOMPUTED_ZOOMS = 10;

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
      const key =
        shift >= 0
          ? (snapshot.gx[k]! >>> shift) * 2 ** 24 + (snapshot.gy[k]! >>> shift)
          : Math.floor((snapshot.mx[k]! * (2 ** zoom * 256)) / CELL_PIXELS) * 2 ** 30 + Math.floor((snapshot.my[k]! * (2 ** zoom * 256)) / CELL_PIXELS);
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

// Bounds per filter mask (or per copy of the index, when nothing is filtered out): a list page asks for them on every
// request, and one pass over 100,000 points cost more than the rest of the page's directory work. A mask belongs to
// one copy of the index, so a change to the directory starts afresh.
const boundsByMask = new WeakMap<object, BoundingBox | null>();

/** The area covering every matching location (for fitting the map to the results), or null when none match. */
export async function indexedResultBounds(filters: DirectoryFilters): Promise<BoundingBox | null> {
  const snapshot = await directorySnapshot();
  const accept = await filterTest(snapshot, filters);
  const key: object = accept ?? snapshot;
  if (boundsByMask.has(key)) return boundsByMask.get(key)!;
  const bounds = resultBounds(snapshot, accept);
  boundsByMask.set(key, bounds);
  return bounds;
}

function resultBounds(snapshot: Snapshot, accept: Accept): BoundingBox | null {
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
