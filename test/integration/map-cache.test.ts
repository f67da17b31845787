import { describe, expect, it } from "vitest";
import type { BoundingBox } from "~/directory/filters";
import { cachedMapView, snapToCells } from "~/directory/map-cache.server";
import { type MapView } from "~/directory/search.server";
import { mapView } from "~/directory/map-sql.server";

const none = { need: [], accepting: false };
const DUNDEE: BoundingBox = [-3.1, 56.43, -2.85, 56.52];

describe("the map view cache", () => {
  it("grows the area to whole clustering cells, so nearby views share an entry", () => {
    const snapped = snapToCells(DUNDEE, 12);
    expect(snapped[0]).toBeLessThanOrEqual(DUNDEE[0]);
    expect(snapped[1]).toBeLessThanOrEqual(DUNDEE[1]);
    expect(snapped[2]).toBeGreaterThanOrEqual(DUNDEE[2]);
    expect(snapped[3]).toBeGreaterThanOrEqual(DUNDEE[3]);
    const nudged: BoundingBox = [DUNDEE[0] + 0.0001, DUNDEE[1] + 0.0001, DUNDEE[2] - 0.0001, DUNDEE[3] - 0.0001];
    expect(snapToCells(nudged, 12)).toEqual(snapped);
    expect(snapToCells([-180, -90, 180, 90], 0)).toEqual([-180, -85.051129, 180, 85.051129]);
  });

  it("answers identical requests with one view, and the same view the database gives", async () => {
    const [a, b] = await Promise.all([cachedMapView(none, DUNDEE, 12), cachedMapView(none, DUNDEE, 12)]);
    expect(a).toBe(b);
    // The same cells as the database query (which returns them in no particular order).
    const inOrder = (view: MapView) => ({
      ...view,
      clusters: [...view.clusters].sort((x, y) => x.lat - y.lat || x.lng - y.lng).map((c) => ({ ...c, lat: c.lat.toFixed(4), lng: c.lng.toFixed(4) })),
      points: [...view.points].sort((x, y) => x.lat - y.lat || x.lng - y.lng),
    });
    expect(inOrder(a)).toEqual(inOrder(await mapView(none, snapToCells(DUNDEE, 12), 12)));
    const filtered = await cachedMapView({ ...none, need: ["safe"] }, DUNDEE, 12);
    expect(filtered.total).toBeLessThan(a.total);
  });
});
