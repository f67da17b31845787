// A short-lived, in-process cache of map views. The map is FORT's front door: many people open the same areas at the
// same zooms, and identical requests arriving together share one database query. Views hold public, published
// data only; a change shows on the map within MAP_CACHE_SECONDS (30 s by default, 0 turns the cache off).
import { config } from "../config.server";
import type { BoundingBox, DirectoryFilters } from "./filters";
import type { MapView } from "./map";
import { CELL_PIXELS, mapView, resultBounds } from "./search.server";

const MAX_ENTRIES = 1000;
const entries = new Map<string, { expires: number; view: Promise<MapView> }>();

const ttlMilliseconds = () => config().MAP_CACHE_SECONDS * 1000;

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

export function cachedMapView(filters: DirectoryFilters, bbox: BoundingBox, zoom: number): Promise<MapView> {
  const area = snapToCells(bbox, zoom);
  const ttl = ttlMilliseconds();
  if (ttl === 0) return mapView(filters, area, zoom);
  const { near: _near, ...relevant } = filters;
  const key = JSON.stringify([relevant, area, zoom]);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expires > now) {
    entries.delete(key); // most recently used goes last
    entries.set(key, hit);
    return hit.view;
  }
  const view = mapView(filters, area, zoom);
  entries.set(key, { expires: now + ttl, view });
  view.catch(() => entries.delete(key)); // never cache a failure
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return view;
}

const boundsEntries = new Map<string, { expires: number; bounds: Promise<BoundingBox | null> }>();

/** The area covering a search's results (for fitting the map), cached like map views. */
export function cachedResultBounds(filters: DirectoryFilters): Promise<BoundingBox | null> {
  const ttl = ttlMilliseconds();
  if (ttl === 0) return resultBounds(filters);
  const { near: _near, ...relevant } = filters;
  const key = JSON.stringify(relevant);
  const now = Date.now();
  const hit = boundsEntries.get(key);
  if (hit && hit.expires > now) return hit.bounds;
  const bounds = resultBounds(filters);
  boundsEntries.set(key, { expires: now + ttl, bounds });
  bounds.catch(() => boundsEntries.delete(key));
  while (boundsEntries.size > MAX_ENTRIES) boundsEntries.delete(boundsEntries.keys().next().value!);
  return bounds;
}

/** For code that changes what the public map shows, so it shows at once in this process. */
export function clearMapCache() {
  entries.clear();
  boundsEntries.clear();
}
