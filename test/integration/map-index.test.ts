import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { getDb } from "~/db.server";
import type { BoundingBox, DirectoryFilters } from "~/directory/filters";
import type { MapView } from "~/directory/map";
import { snapToCells } from "~/directory/map-cache.server";
import { indexedMapView, indexedResultBounds, markDirectoryChanged } from "~/directory/map-index.server";
import { countServices, sixMonthsBefore } from "~/directory/list-page.server";
import { buildServiceCountQuery, buildServiceListQuery, resultBounds, searchServices } from "~/directory/search.server";
import { mapView } from "~/directory/map-sql.server";
import { listAreas } from "~/geo/areas.server";
import { loader } from "~/routes/api.map";

const none: DirectoryFilters = { need: [], accepting: false };
const UK: BoundingBox = [-8.2, 49.9, 1.8, 60.9];
const DUNDEE: BoundingBox = [-3.1, 56.43, -2.85, 56.52];
const DUNDEE_CENTRE: BoundingBox = [-2.99, 56.455, -2.955, 56.47];

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await (await getDb()).execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** The view in a fixed order, cluster centres to 4 decimals (the database averages in another order). */
function normalised(view: MapView) {
  const byPlace = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => a.lat - b.lat || a.lng - b.lng;
  return {
    ...view,
    clusters: [...view.clusters].sort(byPlace).map((c) => ({ ...c, lat: c.lat.toFixed(4), lng: c.lng.toFixed(4) })),
    points: [...view.points].sort(byPlace),
  };
}

const mapResponse = async (bbox: BoundingBox, zoom: number): Promise<MapView> => {
  const response = (await loader({
    request: new Request(`http://fort.test/api/map?bbox=${bbox.join(",")}&zoom=${zoom}`),
    params: {},
    context: {},
  })) as Response;
  expect(response.status).toBe(200);
  return response.json();
};
const servicesOn = (view: MapView) => view.points.flatMap((p) => p.services.map((s) => s.id));

describe("the in-memory map index", () => {
  it("answers every view and filter exactly as the database query does", async () => {
    const area = listAreas()[0]!.code;
    const cases: [BoundingBox, number, Partial<DirectoryFilters>][] = [
      [UK, 6, {}],
      [DUNDEE, 12, {}],
      [DUNDEE, 14, { need: ["nurtured", "safe"] }],
      [DUNDEE_CENTRE, 15, {}],
      [DUNDEE_CENTRE, 18, { age: 3 }],
      [DUNDEE, 13, { referral: "self", accepting: true }],
      [DUNDEE, 13, { referral: "professional", category: "parenting" }],
      [DUNDEE, 13, { area }],
      [DUNDEE, 13, { q: "parentng" }],
      [UK, 3, { q: "bereavement", age: 10 }],
    ];
    let nonEmpty = 0;
    for (const [bbox, zoom, f] of cases) {
      const filters = { ...none, ...f };
      const area = snapToCells(bbox, zoom);
      const fromIndex = await indexedMapView(filters, area, zoom);
      expect(normalised(fromIndex), JSON.stringify([bbox, zoom, f])).toEqual(normalised(await mapView(filters, area, zoom)));
      if (fromIndex.total > 0) nonEmpty++;
      expect(await indexedResultBounds(filters)).toEqual(await resultBounds(filters));
      if (!filters.q) {
        const [counted] = await rows<{ total: number | string }>(buildServiceCountQuery(filters, bbox));
        expect(await countServices(filters, bbox)).toBe(Number(counted!.total));
      }
    }
    expect(nonEmpty).toBeGreaterThan(6);
  });

  it("shows a service closed, unpublished, renamed or republished by anyone in the next map responses within seconds", async () => {
    const [service] = await rows<{ id: string; lat: number; lng: number }>(sql`
      select s.id, l.latitude as lat, l.longitude as lng from services s
      join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
      where s.publication = 'published' and s.status = 'active' order by s.name limit 1`);
    const { id, lat, lng } = service!;
    const spot: BoundingBox = [Number(lng) - 0.001, Number(lat) - 0.001, Number(lng) + 0.001, Number(lat) + 0.001];
    const before = await mapResponse(spot, 18);
    expect(servicesOn(before)).toContain(id);
    const db = await getDb();
    // Straight SQL, as another app server, an import or an administrator would change it: no app code is told.
    const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 5000, interval: 50 });

    await db.execute(sql`update services set status = 'inactive' where id = ${id}`);
    await eventually(async () => {
      const view = await mapResponse(spot, 18);
      expect(servicesOn(view)).not.toContain(id);
      expect(view.total).toBe(before.total - 1);
    });

    await db.execute(sql`update services set status = 'active', name = 'Renamed family drop-in' where id = ${id}`);
    await eventually(async () => {
      const view = await mapResponse(spot, 18);
      expect(view.points.flatMap((p) => p.services).find((s) => s.id === id)?.name).toBe("Renamed family drop-in");
    });

    await db.execute(sql`update services set publication = 'draft' where id = ${id}`);
    await eventually(async () => expect(servicesOn(await mapResponse(spot, 18))).not.toContain(id));
    const count = await countServices(none);

    await db.execute(sql`update services set publication = 'published' where id = ${id}`);
    await eventually(async () => expect(servicesOn(await mapResponse(spot, 18))).toContain(id));
    expect(await countServices(none)).toBe(count! + 1);
  });

  it("lists services by name, unchecked ones last, page by page, exactly as the database orders them", async () => {
    const db = await getDb();
    // Some records unchecked for over six months, so the order has both groups.
    await db.execute(sql`update services set last_checked_on = current_date - 400 where id in (select id from services order by id limit 7)`);
    // This test compares orders, not freshness (the test above does that): take the change into this process's copy now
    // rather than when its notice arrives.
    await markDirectoryChanged();
    const cases: [Partial<DirectoryFilters>, BoundingBox | undefined][] = [
      [{}, undefined],
      [{ need: ["nurtured"] }, undefined],
      [{ age: 3, accepting: true }, DUNDEE],
      [{ referral: "self" }, DUNDEE_CENTRE],
    ];
    for (const [f, bbox] of cases) {
      const filters = { ...none, ...f };
      for (const page of [1, 2, 3]) {
        const expected = await rows<{ id: string }>(buildServiceListQuery({ filters, place: null, bbox, sort: "name", page, pageSize: 10 }));
        const found = await searchServices({ filters, place: null, bbox, sort: "name", page, pageSize: 10 });
        if (found.page === page)
          expect(
            found.items.map((i) => i.id),
            JSON.stringify([f, bbox, page]),
          ).toEqual(expected.map((r) => r.id));
      }
    }
  });

  it("works out six months ago as PostgreSQL does, short months included", async () => {
    for (const day of ["2026-08-31", "2026-03-15", "2026-01-01", "2024-08-29", "2026-12-31"]) {
      const [row] = await rows<{ cutoff: string }>(sql`select to_char(${day}::date - interval '6 months', 'YYYYMMDD') as cutoff`);
      expect(sixMonthsBefore(new Date(`${day}T12:00:00Z`)), day).toBe(Number(row!.cutoff));
    }
  });
});
