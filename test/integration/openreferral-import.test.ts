import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { exportJsonChunks, exportTabularZip } from "~/openreferral/export.server";
import { importFeed } from "~/openreferral/import.server";
import { STANDARDS_DIR, VALIDATOR_MOCKS, schemaErrors } from "../support/oruk-schemas";

const work = await mkdtemp(path.join(tmpdir(), "fort-oruk-import-"));
afterAll(() => rm(work, { recursive: true, force: true }));

const fixture = (set: string, file: string) => ({ files: [{ name: file, bytes: readFileSync(path.join(VALIDATOR_MOCKS, set, file)) }] });
const preview = (input: Parameters<typeof importFeed>[0], source = "test feed") => importFeed(input, { source, apply: false });
const apply = (input: Parameters<typeof importFeed>[0], source = "test feed") => importFeed(input, { source, apply: true });

async function counts() {
  const db = await getDb();
  const n = async (table: typeof s.services | typeof s.organisations | typeof s.locations) =>
    (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
  return { services: await n(s.services), organisations: await n(s.organisations), locations: await n(s.locations) };
}

async function exportJson(scope: "all" | "public") {
  let text = "";
  for await (const chunk of exportJsonChunks(scope)) text += chunk;
  return JSON.parse(text);
}

describe("importing the ORUK validator's fixtures", () => {
  const defaults = readdirSync(path.join(VALIDATOR_MOCKS, "V3.0-UK-Default")).filter((f) => f !== "api_details.json");

  it.each(defaults)("accepts Default/%s without errors", async (file) => {
    const before = await counts();
    const report = await preview(fixture("V3.0-UK-Default", file));
    expect(report.refusal).toBeNull();
    expect(report.counts.invalid).toBe(0);
    expect(report.items.filter((i) => i.action === "skip" && i.entity === "service")).toEqual([]);
    // A preview changes nothing.
    expect(await counts()).toEqual(before);
  });

  it("imports the Default service into the approval queue, keeping its source", async () => {
    const report = await apply(fixture("V3.0-UK-Default", "service_full.json"), "https://feeds.example.org/oruk");
    expect(report.applied).toBe(true);
    expect(report.counts.service.create).toBe(1);
    expect(report.counts.organisation.create).toBe(1);
    // Its location has latitude 100, which is not on Earth, and a postcode FORT cannot place.
    expect(report.items.find((i) => i.entity === "service")!.reasons.join(" ")).toMatch(/no usable position/);
    const db = await getDb();
    const [service] = await db
      .select({ name: s.services.name, publication: s.services.publication, source: s.services.source, minAge: s.services.minAge, email: s.services.email })
      .from(s.services)
      .where(eq(s.services.id, "ac148810-d857-441c-9679-408f346de14b"));
    expect(service).toEqual({
      name: "Community Counselling",
      publication: "awaiting_approval",
      source: "https://feeds.example.org/oruk",
      minAge: 12,
      email: "email@example.com",
    });
    const [organisation] = await db
      .select({ status: s.organisations.status })
      .from(s.organisations)
      .where(eq(s.organisations.id, "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"));
    expect(organisation?.status).toBe("pending");
  });

  it("imports the same service from an organisation document and a service_at_location as one record", async () => {
    const fromOrganisation = await preview(fixture("V3.0-UK-Default", "organization.json"));
    expect(fromOrganisation.items.find((i) => i.entity === "service")?.action).toMatch(/unchanged|update/);
    expect(fromOrganisation.counts.service.create).toBe(0);
  });

  // What the official schemas reject in each Fail fixture, and the words FORT should use about it.
  const expectedReasons: Record<string, RegExp[]> = {
    "service_full.json": [/url "example\/counselling" is not a full web address/, /email "email-example_com" is not an email address/],
    "service_list.json": [/name is missing, and it is required/, /url "example_counselling" is not a full web address/],
    "taxonomy_term.json": [/description is missing/, /term_uri "example_com" is not a full web address/],
    "api_details.json": [/describes an API/],
  };
  const SCHEMA_FOR: Record<string, string> = {
    "api_details.json": "api_details.json",
    "organization_full.json": "organization.json",
    "organization_list.json": "organization_list.json",
    "service_at_location_full.json": "service_at_location.json",
    "service_at_location_list.json": "service_at_location_list.json",
    "service_full.json": "service.json",
    "service_list.json": "service_list.json",
    "taxonomy.json": "taxonomy.json",
    "taxonomy_list.json": "taxonomy_list.json",
    "taxonomy_term.json": "taxonomy_term.json",
    "taxonomy_term_list.json": "taxonomy_term_list.json",
  };
  const failing = readdirSync(path.join(VALIDATOR_MOCKS, "V3.0-UK-Fail")).filter(
    (file) => schemaErrors(SCHEMA_FOR[file]!, JSON.parse(readFileSync(path.join(VALIDATOR_MOCKS, "V3.0-UK-Fail", file), "utf8"))).length > 0,
  );

  it("knows which Fail fixtures break the schemas (the others fail the validator on API behaviour, such as paging)", () => {
    expect(failing.sort()).toEqual(Object.keys(expectedReasons).sort());
  });

  it.each(failing)("refuses Fail/%s and says why", async (file) => {
    const before = await counts();
    const report = await apply(fixture("V3.0-UK-Fail", file));
    expect(report.refusal).toEqual(expect.stringMatching(/\S/));
    expect(report.applied).toBe(false);
    const text = [report.refusal, ...report.items.flatMap((i) => i.reasons)].join("\n");
    for (const reason of expectedReasons[file]!) expect(text).toMatch(reason);
    expect(await counts()).toEqual(before);
  });

  it("warns when a file is only one page of a longer feed (Fail/service_at_location_list.json)", async () => {
    const report = await preview(fixture("V3.0-UK-Fail", "service_at_location_list.json"));
    expect(report.warnings.join(" ")).toMatch(/page 1 of 10 of its feed/);
  });

  it("leaves out malformed nested items rather than the whole record (Default/organization_list.json)", async () => {
    const report = await preview(fixture("V3.0-UK-Default", "organization_list.json"));
    const { create, update, unchanged } = report.counts.organisation;
    expect(create + update + unchanged).toBe(10);
    expect(report.counts.invalid).toBe(0);
    expect(report.warnings.join(" ")).toMatch(
      /Left out organization_identifiers\[0\]: it has no identifier_type, which is required; id "reg-12345" is not a UUID/,
    );
  });

  it("refuses a file that is not a feed, with a sentence rather than an error", async () => {
    const notJson = await preview({ files: [{ name: "feed.json", bytes: Buffer.from("{ this is not json") }] });
    expect(notJson.refusal).toMatch(/not valid JSON/);
    const pdf = await preview({ files: [{ name: "leaflet.pdf", bytes: Buffer.from("%PDF-1.7 …") }] });
    expect(pdf.refusal).toMatch(/not an Open Referral feed FORT can read/);
    const empty = await preview({ files: [{ name: "empty.json", bytes: Buffer.from("[]") }] });
    expect(empty.refusal).toMatch(/no records/);
  });

  it("imports the HSDS tabular example (tabular.json)", async () => {
    const bytes = readFileSync(path.join(STANDARDS_DIR, "hsds-3.0/examples/tabular.json"));
    const report = await preview({ files: [{ name: "tabular.json", bytes }] });
    expect(report.format).toBe("tabular");
    expect(report.refusal).toBeNull();
    expect(report.items.find((i) => i.entity === "service")?.name).toBe("Community Counselling");
  });
});

describe("re-importing and round trips", () => {
  it("updates rather than duplicates when the same feed comes again, and says what changed", async () => {
    const feed = {
      id: "6f1c0d6e-0000-4000-8000-000000000001",
      name: "Lochee Toy Library",
      description: "Toys and games to borrow for children under five. Stay and play on Tuesdays.",
      status: "active",
      last_modified: "2025-03-01T10:00:00Z",
      organization: { id: "6f1c0d6e-0000-4000-8000-0000000000aa", name: "Lochee Play Association", description: "Play for all." },
      service_at_locations: [
        {
          id: "6f1c0d6e-0000-4000-8000-0000000000b1",
          location: {
            id: "6f1c0d6e-0000-4000-8000-0000000000c1",
            location_type: "physical",
            name: "Lochee Community Hub",
            addresses: [
              {
                id: "6f1c0d6e-0000-4000-8000-0000000000d1",
                address_1: "1 High Street",
                city: "Dundee",
                state_province: "Scotland",
                postal_code: "DD2 3AB",
                country: "GB",
                address_type: "physical",
              },
            ],
          },
        },
      ],
      attributes: [
        {
          id: "6f1c0d6e-0000-4000-8000-0000000000e1",
          taxonomy_term: { id: "6f1c0d6e-0000-4000-8000-0000000000f1", name: "Active", description: "Play", taxonomy: "SHANARRI" },
        },
      ],
    };
    const file = path.join(work, "toy-library.json");
    await writeFile(file, JSON.stringify(feed));
    const first = await apply({ path: file });
    expect(first.counts.service.create).toBe(1);
    expect(first.counts.location.create).toBe(1);
    const before = await counts();

    const again = await apply({ path: file });
    expect(again.counts.service.unchanged).toBe(1);
    expect(await counts()).toEqual(before);

    await writeFile(file, JSON.stringify({ ...feed, name: "Lochee Toy and Book Library", last_modified: "2025-04-01T10:00:00Z" }));
    const changed = await preview({ path: file });
    expect(changed.items.find((i) => i.entity === "service")).toMatchObject({ action: "update" });
    expect(changed.items.find((i) => i.entity === "service")!.reasons[0]).toMatch(/changes: name/);
    await apply({ path: file });
    expect(await counts()).toEqual(before);
    const db = await getDb();
    const [row] = await db
      .select({ name: s.services.name, termCount: sql<number>`(select count(*)::int from ${s.serviceTaxonomyTerms} where service_id = ${s.services.id})` })
      .from(s.services)
      .where(eq(s.services.id, feed.id));
    expect(row).toEqual({ name: "Lochee Toy and Book Library", termCount: 1 });
    const [location] = await db
      .select({ lat: s.locations.latitude, ward: s.locations.wardName })
      .from(s.locations)
      .where(eq(s.locations.id, feed.service_at_locations[0]!.location.id));
    // No coordinates in the feed: FORT placed it by its postcode.
    expect(location!.lat).toBeGreaterThan(56);

    // A coordinator edits FORT's copy afterwards; an older feed record does not overwrite it.
    await db
      .update(s.services)
      .set({ name: "Edited in FORT", updatedAt: new Date("2025-05-01T00:00:00Z") })
      .where(eq(s.services.id, feed.id));
    const stale = await preview({ path: file });
    expect(stale.items.find((i) => i.entity === "service")).toMatchObject({ action: "skip" });
    expect(stale.items.find((i) => i.entity === "service")!.reasons[0]).toMatch(/FORT's copy was changed on 2025-05-01/);
  });

  it("re-importing FORT's own export into the same directory changes nothing", async () => {
    const exported = await exportJson("all");
    const file = path.join(work, "same.json");
    await writeFile(file, JSON.stringify(exported));
    const report = await preview({ path: file });
    expect(report.refusal).toBeNull();
    expect(report.counts.invalid).toBe(0);
    expect(report.counts.service.unchanged).toBe(exported.total_items);
    expect(report.counts.service.create + report.counts.service.update).toBe(0);
  });

  it("exports valid ORUK records: the JSON feed validates as a service list, each service as a service", async () => {
    const exported = await exportJson("public");
    expect(schemaErrors("service_list.json", exported)).toEqual([]);
    for (const service of exported.contents.slice(0, 15)) expect(schemaErrors("service.json", service)).toEqual([]);
  });
});

describe("an export re-imported into an empty directory reproduces it", () => {
  async function roundTrip(format: "json" | "tabular") {
    const { openDatabase, migrateDatabase, setDatabaseHandle, databaseHandle } = await import("~/db.server");
    const { seedReferenceData } = await import("../../db/seed/reference-data");
    const original = await databaseHandle();
    const before = await exportJson("all");
    const file = path.join(work, format === "json" ? "directory.json" : "directory.zip");
    if (format === "json") {
      let text = "";
      for await (const chunk of exportJsonChunks("all")) text += chunk;
      await writeFile(file, text);
    } else {
      await writeFile(file, await exportTabularZip("all"));
    }

    let empty;
    let drop: (() => Promise<void>) | undefined;
    if (process.env.DATABASE_URL) {
      const postgres = (await import("postgres")).default;
      const { databaseNameFor, withDatabase } = await import("../setup/template");
      const name = databaseNameFor(process.env.DATABASE_URL, `rt_${format}_${Date.now().toString(36)}`);
      const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${name}"`);
      empty = await openDatabase({ url: withDatabase(process.env.DATABASE_URL, name) });
      drop = async () => {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      };
    } else {
      empty = await openDatabase({});
    }
    try {
      await migrateDatabase(empty);
      await seedReferenceData(empty.db);
      setDatabaseHandle(empty);
      expect((await counts()).services).toBe(0);
      const report = await apply({ path: file }, `fort export (${format})`);
      expect(report.refusal).toBeNull();
      expect(report.counts.invalid).toBe(0);
      expect(report.counts.service.create).toBe(before.total_items);
      const after = await exportJson("all");
      // Imported records wait for approval and name their source; everything else is the same.
      const db = await getDb();
      const states = await db.selectDistinct({ publication: s.services.publication, source: s.services.source }).from(s.services);
      expect(states).toEqual([{ publication: "awaiting_approval", source: `fort export (${format})` }]);
      const withoutWorkflow = (feed: { contents: { x_fort: Record<string, unknown> }[] }) => ({
        ...feed,
        contents: feed.contents.map(({ x_fort: { publication: _p, source: _s, ...fort }, ...service }) => ({ ...service, x_fort: fort })),
      });
      expect(withoutWorkflow(after)).toEqual(withoutWorkflow(before));
    } finally {
      setDatabaseHandle(original);
      await empty.close();
      await drop?.();
    }
  }

  it("from the JSON feed", async () => {
    await roundTrip("json");
  }, 120_000);

  it("from the tabular (CSV) form", async () => {
    await roundTrip("tabular");
  }, 120_000);
});
