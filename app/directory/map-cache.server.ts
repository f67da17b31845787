// Map views, answered from the in-memory map index (map-index.server.ts). The index is fresh within moments of any
// change on every app server; views computed from one copy of it are kept (most recently used first) until the copy
// changes, so identical requests share one answer and an unchanged directory is never counted twice.
// MAP_CACHE_SECONDS is how long browsers and shared caches may keep a view; 0 also turns the server's view cache off.
import { config } from "../config.server";
import type { BoundingBox, DirectoryFilters } from "./filters";
import type { MapView } from "./map";
import { directorySnapshot, indexedMapView, indexedResultBounds, markDirectoryChanged } from "./map-index.server";
import { CELL_PIXELS } from "./map-sql.server";

const MAX_ENTRIES = 1000;
const entries = new Map<string, Promise<MapView>>();
const boundsEntries = new Map<string, Promise<BoundingBox | null>>();

const mercatorY = (lat: number) => (1 - Math.log(Math.tan((lat * Math.PI) / 180) + 1 / Math.cos((lat * Math.PI) / 180)) / Math.PI) / 2;
const latitudeOf = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;

/**
 * The bounding box grown to whole clustering cells, so that nearby views of the same area share a cache entry and
 * every cell the map shows is counted in full.
 */
export function snapToCells([west, south, east, north]: BoundingBox, zoom: number): BoundingBox {
  const cells = (2 ** zoom * 256) / CELL_PIXELS;
  const x = (lng: number) => ((lng + 180) / 360) * cells;
  const lng = (cx: number) => (cx / cells) * 360 - 180;
  const clampLat = (lat: number) => Math.max(-85.05, Math.min(85.05, lat));
  const snapped: BoundingBox = [
    lng(Math.floor(x(west))),
    latitudeOf(Math.ceil(mercatorY(clampLat(south)) * cells) / cells),
    lng(Math.ceil(x(east))),
    latitudeOf(Math.floor(mercatorY(clampLat(north)) * cells) / cells),
  ];
  return [Math.max(-180, snapped[0]), Math.max(-90, snapped[1]), Math.min(180, snapped[2]), Math.min(90, snapped[3])].map(
    (n) => Math.round(n * 1e6) / 1e6,
  ) as BoundingBox;
}

/** The map for an area, zoom and filters (the area grown to whole cells first, so nearby views share an answer). */
export async function cachedMapView(filters: DirectoryFilters, bbox: BoundingBox, zoom: number): Promise<MapView> {
  const area = snapToCells(bbox, zoom);
  const { near: _near, ...relevant } = filters;
  if (config().MAP_CACHE_SECONDS === 0) return indexedMapView(relevant, area, zoom);
  const { generation } = await directorySnapshot();
  const key = JSON.stringify([generation, relevant, area, zoom]);
  return remember(entries, key, () => indexedMapView(relevant, area, zoom));
}

/** The area covering a search's results (for fitting the map), answered like map views. */
export async function cachedResultBounds(filters: DirectoryFilters): Promise<BoundingBox | null> {
  const { near: _near, ...relevant } = filters;
  if (config().MAP_CACHE_SECONDS === 0) return indexedResultBounds(relevant);
  const { generation } = await directorySnapshot();
  return remember(boundsEntries, JSON.stringify([generation, relevant]), () => indexedResultBounds(relevant));
}

function remember<T>(cache: Map<string, Promise<T>>, key: string, compute: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key); // most recently used goes last
    cache.set(key, hit);
    return hit;
  }
  const value = compute();
  cache.set(key, value);
  value.catch(() => cache.delete(key)); // never keep a failure
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return value;
}

/**
 * For code that changes what the public map shows. The database announces every change to every app server anyway;
 * this makes this process's next map request wait for the new copy even before the announcement arrives.
 */
export function clearMapCache() {
  entries.clear();
  boundsEntries.clear();
  void markDirectoryChanged();
}
