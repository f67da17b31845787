// The map's clusters and spots computed in SQL (docs/decisions/0008): the reference the in-memory index
// (map-index.server.ts, ADR 0018) is tested against, and the fallback it was built to replace. Split from search.server.ts.
import { type SQL, sql } from "drizzle-orm";
import { type BoundingBox, type DirectoryFilters } from "./filters";
import type { Capacity } from "./taxonomy";
import type { MapCluster, MapSpot, MapView } from "./map";
import { type UnderstoodFilters, and, inBox, rows, serviceConditions, understandFilters } from "./search.server";

export const CELL_PIXELS = 64;
/** Services listed in one spot's card; more than this and the card says how many more. */
export const SPOT_SERVICE_LIMIT = 10;

export function buildMapCellsQuery(filters: UnderstoodFilters, bbox: BoundingBox, zoom: number): SQL {
  const cells = (2 ** zoom * 256) / CELL_PIXELS;
  return sql`
    with matching as (
      select l.latitude as lat, l.longitude as lng, s.id as service_id,
        floor((l.longitude + 180) / 360 * ${cells}) as cx,
        floor((1 - ln(tan(radians(l.latitude)) + 1 / cos(radians(l.latitude))) / pi()) / 2 * ${cells}) as cy
      from services s
      join service_at_locations sal on sal.service_id = s.id
      join locations l on l.id = sal.location_id
      where ${inBox(bbox)} and ${and(serviceConditions(filters))}
    )
    select count(distinct service_id) as count, avg(lat) as lat, avg(lng) as lng,
      min(lat) as south, max(lat) as north, min(lng) as west, max(lng) as east
    from matching group by cx, cy`;
}

interface CellRow extends Record<string, unknown> {
  count: number | string;
  lat: number | string;
  lng: number | string;
  south: number;
  north: number;
  west: number;
  east: number;
}

export async function mapView(mapFilters: DirectoryFilters, bbox: BoundingBox, zoom: number): Promise<MapView> {
  const filters = await understandFilters(mapFilters);
  const cells = await rows<CellRow>(buildMapCellsQuery(filters, bbox, zoom));
  const clusters: MapCluster[] = [];
  const spots: CellRow[] = [];
  let total = 0;
  for (const cell of cells) {
    const count = Number(cell.count);
    total += count;
    if (cell.south === cell.north && cell.west === cell.east) spots.push(cell);
    else
      clusters.push({
        lat: round(Number(cell.lat)),
        lng: round(Number(cell.lng)),
        count,
        bounds: [cell.west, cell.south, cell.east, cell.north].map(round) as BoundingBox,
      });
  }
  return { zoom, total, clusters, points: await spotServices(filters, spots) };
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;

async function spotServices(filters: UnderstoodFilters, spots: CellRow[]): Promise<MapSpot[]> {
  if (spots.length === 0) return [];
  const key = (lat: number, lng: number) => `${lat},${lng}`;
  const wanted = new Set(spots.map((s) => key(s.south, s.west)));
  const list = await rows<{ id: string; name: string; organisation: string; capacity: Capacity; lat: number; lng: number }>(sql`
    select distinct s.id, s.name, o.name as organisation, s.capacity, l.latitude as lat, l.longitude as lng
    from services s
    join organisations o on o.id = s.organisation_id
    join service_at_locations sal on sal.service_id = s.id
    join locations l on l.id = sal.location_id
    where l.latitude in (${sql.join(
      [...new Set(spots.map((s) => s.south))].map((v) => sql`${v}`),
      sql`, `,
    )})
      and l.longitude in (${sql.join(
        [...new Set(spots.map((s) => s.west))].map((v) => sql`${v}`),
        sql`, `,
      )})
      and ${and(serviceConditions(filters))}
    order by s.name`);
  const bySpot = new Map<string, MapSpot>();
  for (const spot of spots) bySpot.set(key(spot.south, spot.west), { lat: spot.south, lng: spot.west, count: Number(spot.count), services: [] });
  for (const r of list) {
    const k = key(r.lat, r.lng);
    if (!wanted.has(k)) continue;
    const spot = bySpot.get(k)!;
    if (spot.services.length < SPOT_SERVICE_LIMIT) spot.services.push({ id: r.id, name: r.name, organisation: r.organisation, capacity: r.capacity });
  }
  return [...bySpot.values()];
}
