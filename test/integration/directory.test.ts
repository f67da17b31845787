import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { seedDemoData } from "../../db/seed";
import { getDb } from "~/db.server";
import { searchServices } from "~/directory/search.server";
import { getPublishedService } from "~/directory/services.server";

const listPublishedServices = ({ page, pageSize }: { page: number; pageSize: number }) =>
  searchServices({ filters: { need: [], accepting: false }, place: null, sort: "name", page, pageSize });

describe("the public directory", () => {
  it("lists only published services that are not inactive, in pages", async () => {
    const db = await getDb();
    const [visible] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(s.services)
      .where(sql`${s.services.publication} = 'published' and ${s.services.status} <> 'inactive'`);
    const first = await listPublishedServices({ page: 1, pageSize: 20 });
    expect(first.total).toBe(visible!.n);
    expect(first.total).toBeGreaterThan(40);
    expect(first.items).toHaveLength(20);

    const all = await listPublishedServices({ page: 1, pageSize: 1000 });
    const hidden = await db
      .select({ id: s.services.id })
      .from(s.services)
      .where(sql`${s.services.publication} <> 'published' or ${s.services.status} = 'inactive'`);
    expect(hidden.length).toBeGreaterThan(0);
    const listed = new Set(all.items.map((i) => i.id));
    for (const h of hidden) expect(listed.has(h.id)).toBe(false);

    const last = await listPublishedServices({ page: first.pageCount, pageSize: 20 });
    expect(last.items.length).toBe(first.total - 20 * (first.pageCount - 1));
  });

  it("shows each service with its organisation, SHANARRI indicators, ages and capacity", async () => {
    const { items } = await listPublishedServices({ page: 1, pageSize: 1000 });
    for (const item of items) {
      expect(item.organisationName).not.toBe("");
      expect(item.shanarri.length).toBeGreaterThan(0);
      expect(["accepting", "waiting_list", "not_accepting"]).toContain(item.capacity);
    }
  });

  it("opens a published service with its locations, hours and contacts", async () => {
    const { items } = await listPublishedServices({ page: 1, pageSize: 1 });
    const service = await getPublishedService(items[0]!.id);
    expect(service?.name).toBe(items[0]!.name);
    expect(service!.locations.length).toBeGreaterThan(0);
    expect(service!.locations[0]!.postcode).toMatch(/^DD\d+ \d[A-Z]{2}$/);
    expect(service!.contacts.length).toBeGreaterThan(0);
  });

  it("does not open a draft or awaiting-approval service, or a malformed id", async () => {
    const db = await getDb();
    const [draft] = await db.select({ id: s.services.id }).from(s.services).where(eq(s.services.publication, "awaiting_approval")).limit(1);
    expect(draft).toBeDefined();
    expect(await getPublishedService(draft!.id)).toBeNull();
    expect(await getPublishedService("not-a-uuid")).toBeNull();
    expect(await getPublishedService("00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("seeding again changes nothing", async () => {
    const db = await getDb();
    const count = async () => (await db.select({ n: sql<number>`count(*)::int` }).from(s.services))[0]!.n;
    const before = await count();
    expect(await seedDemoData(db)).toBe(false);
    expect(await count()).toBe(before);
  });
});
