import { describe, expect, it } from "vitest";
import type { DirectoryFilters } from "~/directory/filters";
import { resultBounds, searchServices, servicesByIds } from "~/directory/search.server";
import { mapView } from "~/directory/map-sql.server";
import { listAreas } from "~/geo/areas.server";
import { OfflineGeocoder } from "~/geo/offline-geocoder.server";

const none: DirectoryFilters = { need: [], accepting: false };
const geocoder = new OfflineGeocoder();
const DUNDEE: [number, number, number, number] = [-3.2, 56.4, -2.7, 56.6];

const search = (filters: Partial<DirectoryFilters>, more: Partial<Parameters<typeof searchServices>[0]> = {}) =>
  searchServices({ filters: { ...none, ...filters }, place: null, sort: "name", page: 1, pageSize: 200, ...more });

describe("searching the directory by words", () => {
  it("finds services by words in their name, summary or description, word forms forgiven", async () => {
    const { items } = await search({ q: "parenting course" });
    expect(items.map((i) => i.name)).toContain("Growing Together Parenting Course");
    const { items: stemmed } = await search({ q: "courses for parents" });
    expect(stemmed.map((i) => i.name)).toContain("Growing Together Parenting Course");
  });

  it("forgives typing mistakes", async () => {
    const { items } = await search({ q: "parentng" });
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.name)).toContain("Growing Together Parenting Course");
    const { items: carers } = await search({ q: "yung carers" });
    expect(carers.map((i) => i.name)).toContain("Young Carers Groups");
  });

  it("finds services by their organisation's name and by kind of support", async () => {
    const { items } = await search({ q: "Ferryside" });
    const names = items.map((i) => i.name);
    // "Carers in School Link" says nothing of Ferryside itself: it is found through its organisation.
    for (const name of ["Young Carers Groups", "Young Carer Statement Support", "Carers in School Link"]) expect(names).toContain(name);
    const { items: money } = await search({ q: "debt" });
    expect(money.length).toBeGreaterThan(0);
  });

  it("puts the best match first when sorted by relevance, and finds nothing for nonsense", async () => {
    const { items } = await search({ q: "young carers" }, { sort: "relevance" });
    expect(items[0]!.name).toMatch(/young carer/i);
    expect((await search({ q: "xqzvkw" })).total).toBe(0);
  });
});

describe("filtering the directory", () => {
  it("filters by SHANARRI need, any of several", async () => {
    const { items: nurtured } = await search({ need: ["nurtured"] });
    expect(nurtured.length).toBeGreaterThan(0);
    expect(nurtured.every((i) => i.shanarri.includes("nurtured"))).toBe(true);
    const { items: either } = await search({ need: ["nurtured", "safe"] });
    expect(either.length).toBeGreaterThan(nurtured.length);
    expect(either.every((i) => i.shanarri.includes("nurtured") || i.shanarri.includes("safe"))).toBe(true);
  });

  it("filters by the child's age", async () => {
    const { items, total } = await search({ age: 3 });
    expect(total).toBeGreaterThan(0);
    for (const i of items) {
      expect(i.minAge === null || i.minAge <= 3).toBe(true);
      expect(i.maxAge === null || i.maxAge >= 3).toBe(true);
    }
    expect(items.map((i) => i.name)).not.toContain("Teen Talk for Parents");
  });

  it("filters by how to be referred and hides services not accepting", async () => {
    const { items: self } = await search({ referral: "self" });
    expect(self.every((i) => i.acceptsSelfReferrals)).toBe(true);
    expect(self.map((i) => i.name)).not.toContain("Carers in School Link");
    const all = await search({});
    const open = await search({ accepting: true });
    expect(all.items.some((i) => i.capacity === "not_accepting")).toBe(true);
    expect(open.items.some((i) => i.capacity === "not_accepting")).toBe(false);
    expect(open.total).toBeLessThan(all.total);
  });

  it("filters by kind of support", async () => {
    const { items } = await search({ category: "young-carers" });
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.name)).toContain("Young Carers Groups");
    expect(items.map((i) => i.name)).not.toContain("Hilltown Stay and Play");
  });

  it("filters by ward served, counting city-wide services as serving every ward", async () => {
    const lochee = listAreas().find((a) => a.name === "Lochee")!;
    const { items } = await search({ area: lochee.code });
    expect(items.map((i) => i.name)).toContain("Growing Together Parenting Course"); // city-wide
    const ferry = listAreas().find((a) => a.name === "The Ferry")!;
    const inFerry = await search({ area: ferry.code });
    const inLochee = new Set(items.map((i) => i.id));
    expect(inFerry.items.some((i) => !inLochee.has(i.id))).toBe(true);
  });

  it("combines filters", async () => {
    const { items } = await search({ age: 3, need: ["nurtured"], accepting: true });
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) {
      expect(i.shanarri).toContain("nurtured");
      expect(i.capacity).not.toBe("not_accepting");
    }
  });
});

describe("searching near a place", () => {
  it("sorts by distance from a postcode district and gives each distance", async () => {
    const place = (await geocoder.lookup("DD4"))!;
    const { items } = await search({}, { place, sort: "distance" });
    const distances = items.map((i) => i.distanceMetres!);
    expect(distances.every((d) => typeof d === "number" && d >= 0)).toBe(true);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    expect(distances[0]!).toBeLessThan(3000);
  });

  it("pages nearest first without repeating a service that has several locations", async () => {
    const place = (await geocoder.lookup("DD2 3DY"))!;
    const all = await search({}, { place, sort: "distance", pageSize: 200 });
    expect(new Set(all.items.map((i) => i.id)).size).toBe(all.items.length);
    const paged = [];
    for (let page = 1; page <= 3; page++) paged.push(...(await search({}, { place, sort: "distance", pageSize: 5, page })).items);
    expect(paged.map((i) => i.id)).toEqual(all.items.slice(0, 15).map((i) => i.id));
    // "Growing Together" meets in Lochee and Whitfield: it is listed once, at its nearer (Lochee) distance.
    const growing = all.items.filter((i) => i.name === "Growing Together Parenting Course");
    expect(growing).toHaveLength(1);
    expect(growing[0]!.distanceMetres!).toBeLessThan(200);
  });

  it("puts Lochee's services first near Lochee", async () => {
    const place = (await geocoder.lookup("Lochee"))!;
    const { items } = await search({}, { place, sort: "distance" });
    expect(items[0]!.distanceMetres!).toBeLessThan(500);
    expect(items.at(-1)!.distanceMetres!).toBeGreaterThan(items[0]!.distanceMetres!);
  });
});

describe("paging and the map area", () => {
  it("pages through results without repeats, and a page past the end shows the last page", async () => {
    const first = await search({}, { pageSize: 10, page: 1 });
    const second = await search({}, { pageSize: 10, page: 2 });
    expect(first.items).toHaveLength(10);
    expect(first.pageCount).toBe(Math.ceil(first.total / 10));
    const ids = new Set(first.items.map((i) => i.id));
    expect(second.items.some((i) => ids.has(i.id))).toBe(false);
    const beyond = await search({}, { pageSize: 10, page: 999 });
    expect(beyond.page).toBe(first.pageCount);
    expect(beyond.items.length).toBeGreaterThan(0);
  });

  it("narrows the list to the area the map shows", async () => {
    const lochee = (await geocoder.lookup("Lochee"))!;
    const box: [number, number, number, number] = [lochee.longitude - 0.01, lochee.latitude - 0.006, lochee.longitude + 0.01, lochee.latitude + 0.006];
    const all = await search({});
    const inView = await search({}, { bbox: box });
    expect(inView.total).toBeGreaterThan(0);
    expect(inView.total).toBeLessThan(all.total);
    for (const item of inView.items) {
      expect(item.points.some(([lat, lng]) => lat >= box[1] && lat <= box[3] && lng >= box[0] && lng <= box[2])).toBe(true);
    }
  });

  it("gives the bounds of the results for fitting the map", async () => {
    const bounds = (await resultBounds(none))!;
    expect(bounds[0]).toBeLessThan(bounds[2]);
    expect(bounds[1]).toBeGreaterThan(56.3);
    expect(bounds[3]).toBeLessThan(56.6);
  });
});

describe("the map's points and clusters", () => {
  it("clusters crowded services when zoomed out, counting every service once", async () => {
    const { total } = await search({});
    const view = await mapView(none, DUNDEE, 9);
    expect(view.clusters.length).toBeGreaterThan(0);
    expect(view.clusters.length + view.points.length).toBeLessThan(5);
    expect(view.total).toBeGreaterThanOrEqual(total);
    for (const c of view.clusters) {
      expect(c.count).toBeGreaterThan(1);
      expect(c.lat).toBeGreaterThanOrEqual(c.bounds[1]);
      expect(c.lat).toBeLessThanOrEqual(c.bounds[3]);
    }
  });

  it("shows single places as points with their services when zoomed in", async () => {
    const view = await mapView(none, DUNDEE, 17);
    expect(view.points.length).toBeGreaterThan(10);
    const services = view.points.flatMap((p) => p.services.map((s) => s.name));
    expect(services).toContain("Growing Together Parenting Course");
    for (const p of view.points) expect(p.services.length).toBe(Math.min(p.count, 10));
  });

  it("applies the filters to the map too", async () => {
    const all = await mapView(none, DUNDEE, 17);
    const nurtured = await mapView({ ...none, need: ["nurtured"] }, DUNDEE, 17);
    expect(nurtured.total).toBeLessThan(all.total);
    const { items } = await search({ need: ["nurtured"] });
    const allowed = new Set(items.map((i) => i.id));
    for (const p of nurtured.points) for (const s of p.services) expect(allowed.has(s.id)).toBe(true);
  });

  it("returns nothing for an area with no services", async () => {
    const view = await mapView(none, [-1, 51, -0.9, 51.1], 12);
    expect(view).toEqual({ zoom: 12, total: 0, clusters: [], points: [] });
  });
});

describe("a shared shortlist", () => {
  it("opens published services in the order given and skips unknown ones", async () => {
    const { items } = await search({}, { pageSize: 3 });
    const ids = [items[2]!.id, items[0]!.id, "00000000-0000-4000-8000-000000000000"];
    const list = await servicesByIds(ids);
    expect(list.map((s) => s.id)).toEqual([items[2]!.id, items[0]!.id]);
  });
});
