import { describe, expect, it } from "vitest";
import { loader } from "~/routes/api.map";

const call = (query: string) => loader({ request: new Request(`http://fort.test/api/map?${query}`), params: {}, context: {} }) as Promise<Response>;

describe("GET /api/map", () => {
  it("returns clusters and points for an area, zoom and filters, small and cacheable", async () => {
    const response = await call("bbox=-3.2,56.4,-2.7,56.6&zoom=13&need=nurtured&age=3");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=30");
    const view = await response.json();
    expect(view.zoom).toBe(13);
    expect(view.total).toBeGreaterThan(0);
    expect(view.clusters.length + view.points.length).toBeGreaterThan(0);
    expect(JSON.stringify(view).length).toBeLessThan(20_000);
    for (const point of view.points)
      for (const service of point.services) expect(Object.keys(service).sort()).toEqual(["capacity", "id", "name", "organisation"]);
  });

  it("answers bad input with 400 and says what is wrong, never a 500", async () => {
    for (const [query, message] of [
      ["zoom=12", "bbox: Give the map area as bbox=west,south,east,north"],
      ["bbox=1,2,3&zoom=12", "bbox: The map area must be four numbers"],
      ["bbox=-3.2,56.4,-2.7,56.6&zoom=twelve", "zoom: The map zoom must be a whole number from 0 to 20"],
      ["bbox=-3.2,56.4,-2.7,56.6&zoom=12&need=grumpy", "need: Choose needs from the list of wellbeing indicators"],
      ["bbox=-3.2,56.4,-2.7,56.6&zoom=12&age=-1", "age: Enter an age from 0 to 25"],
      ["bbox=-3.2,56.4,-2.7,56.6&zoom=12&colour=red", "Unknown parameter: colour"],
    ]) {
      const response = await call(query!);
      expect(response.status, query).toBe(400);
      const body = await response.json();
      expect(body.error, query).toContain(message);
      expect(body.error).toMatch(/^The map query is not valid: /);
    }
  });
});
