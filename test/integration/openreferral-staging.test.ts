import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import type { CurrentUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { importFeed } from "~/openreferral/import.server";
import { ImportStateError, applyStagedImport, discardStagedImport, getStagedImport, stageImport } from "~/openreferral/staging.server";

const bytes = (text: string) => new TextEncoder().encode(text);

async function coordinator(email = "coordinator@fort.example.org"): Promise<CurrentUser> {
  const db = await getDb();
  const [user] = await db
    .select({ id: s.users.id, email: s.users.email, name: s.users.name, role: s.users.role, teamId: s.users.teamId })
    .from(s.users)
    .where(eq(s.users.email, email));
  return { ...user!, organisations: [] };
}

const service = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `0c6d1f3a-0000-4000-8000-00000000000${n}`,
  name: `Stobswell Parent Café ${n}`,
  description: "A weekly café for parents and carers, with a crèche.",
  status: "active",
  organization: { id: "0c6d1f3a-0000-4000-8000-0000000000f1", name: "Stobswell Neighbours", description: "A fictional neighbourhood group." },
  ...extra,
});

describe("reading the forms a feed comes in", () => {
  it("reads newline-delimited JSON, one record per line, and names the line of a broken one", async () => {
    const text = `${JSON.stringify(service(1))}\n${JSON.stringify(service(2))}\n{ broken\n`;
    const report = await importFeed({ files: [{ name: "feed.ndjson", bytes: bytes(text) }] }, { source: "t", apply: false });
    expect(report.format).toBe("ndjson");
    expect(report.counts.service.create).toBe(2);
    expect(report.items.find((i) => i.action === "skip")).toMatchObject({ position: "line 3", reasons: ["line 3 is not valid JSON"] });
  });

  it("reads a top-level array and several CSV files chosen together", async () => {
    const array = await importFeed(
      { files: [{ name: "feed.json", bytes: bytes(JSON.stringify([service(1), service(2), service(3)])) }] },
      { source: "t", apply: false },
    );
    expect(array.counts.service.create).toBe(3);

    const organisations = "id,name,description\n0c6d1f3a-0000-4000-8000-0000000000f2,Fintry Families,A fictional group\n";
    const services = `id,organization_id,name,description,status,minimum_age\n0c6d1f3a-0000-4000-8000-000000000009,0c6d1f3a-0000-4000-8000-0000000000f2,Fintry Play Sessions,Play for under fives,active,0\n`;
    const csv = await importFeed(
      {
        files: [
          { name: "organizations.csv", bytes: bytes(organisations) },
          { name: "services.csv", bytes: bytes(services) },
        ],
      },
      { source: "t", apply: false },
    );
    expect(csv.format).toBe("tabular");
    expect(csv.items.filter((i) => i.action === "create").map((i) => i.name)).toEqual(["Fintry Families", "Fintry Play Sessions"]);

    const wrong = await importFeed(
      {
        files: [
          { name: "organizations.csv", bytes: bytes(organisations) },
          { name: "notes.txt", bytes: bytes("hi") },
        ],
      },
      { source: "t", apply: false },
    );
    expect(wrong.refusal).toMatch(/notes\.txt is not a CSV file/);
  });

  it("skips a service whose organisation it cannot find, saying so", async () => {
    const orphan = { ...service(4), organization: undefined, organization_id: "0c6d1f3a-0000-4000-8000-0000000000ff" };
    const report = await importFeed({ files: [{ name: "feed.json", bytes: bytes(JSON.stringify(orphan)) }] }, { source: "t", apply: false });
    expect(report.items[0]).toMatchObject({ action: "skip" });
    expect(report.items[0]!.reasons[0]).toMatch(/organisation \(0c6d1f3a-0000-4000-8000-0000000000ff\) is neither in this file nor in FORT/);
  });
});

describe("conflicts with what FORT already holds", () => {
  it("does not rename an organisation onto another organisation's name", async () => {
    const db = await getDb();
    const [a, b] = await db.select({ id: s.organisations.id, name: s.organisations.name }).from(s.organisations).orderBy(s.organisations.name).limit(2);
    const feed = service(8, { organization: { id: a!.id, name: b!.name, description: "Renamed by a feed." } });
    const report = await importFeed({ files: [{ name: "feed.json", bytes: bytes(JSON.stringify(feed)) }] }, { source: "t", apply: true });
    expect(report.refusal).toBeNull();
    expect(report.items.find((i) => i.entity === "organisation")!.reasons.join(" ")).toMatch(/keeps its name/);
    const [after] = await db
      .select({ name: s.organisations.name, description: s.organisations.description })
      .from(s.organisations)
      .where(eq(s.organisations.id, a!.id));
    expect(after).toEqual({ name: a!.name, description: "Renamed by a feed." });
  });

  it("says which records could not be saved, instead of failing with an error, and saves none of them", async () => {
    const db = await getDb();
    const [taken] = await db.select({ id: s.contacts.id }).from(s.contacts).limit(1);
    const feed = service(9, { contacts: [{ id: taken!.id, name: "Duplicate id" }] });
    const report = await importFeed({ files: [{ name: "feed.json", bytes: bytes(JSON.stringify(feed)) }] }, { source: "t", apply: true });
    expect(report.applied).toBe(false);
    expect(report.refusal).toMatch(/could not save the records from the document to the document/);
    const saved = await db.select({ id: s.services.id }).from(s.services).where(eq(s.services.id, feed.id));
    expect(saved).toEqual([]);
  });
});

describe("an import from the browser", () => {
  it("is previewed, then applied once on confirmation, and records who did it", async () => {
    const user = await coordinator();
    const feed = bytes(JSON.stringify({ contents: [service(5), service(6)] }));
    const id = await stageImport(user, [{ name: "stobswell.json", bytes: feed }], "https://stobswell.example.org/oruk");
    const staged = await getStagedImport(user, id);
    expect(staged?.state).toBe("previewed");
    expect(staged?.preview.counts.service.create).toBe(2);
    const db = await getDb();
    const countNew = async () =>
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(s.services)
          .where(eq(s.services.source, "https://stobswell.example.org/oruk"))
      )[0]!.n;
    expect(await countNew()).toBe(0);

    const result = await applyStagedImport(user, id);
    expect(result.counts.service.create).toBe(2);
    expect(await countNew()).toBe(2);
    await expect(applyStagedImport(user, id)).rejects.toBeInstanceOf(ImportStateError);
    await expect(discardStagedImport(user, id)).rejects.toBeInstanceOf(ImportStateError);
    const [entry] = await db.select({ actorId: s.auditLog.actorId }).from(s.auditLog).where(eq(s.auditLog.subjectId, id));
    expect(entry?.actorId).toBe(user.id);
    expect((await getStagedImport(user, id))?.state).toBe("applied");
  });

  it("is private to the coordinator who uploaded it, and can be cancelled", async () => {
    const user = await coordinator();
    const id = await stageImport(user, [{ name: "one.json", bytes: bytes(JSON.stringify(service(7))) }], undefined);
    const other: CurrentUser = { ...user, id: "00000000-0000-4000-8000-000000000000" };
    expect(await getStagedImport(other, id)).toBeNull();
    await expect(applyStagedImport(other, id)).rejects.toBeInstanceOf(ImportStateError);
    await discardStagedImport(user, id);
    expect((await getStagedImport(user, id))?.state).toBe("discarded");
    await expect(applyStagedImport(user, id)).rejects.toBeInstanceOf(ImportStateError);
  });
});
