// An Open Referral update to a published service becomes a revision to review; the published version stays up.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { decideImportedService, decideRevision, pendingServiceRevisions, revisionForReview } from "~/directory/service-editing.server";
import { getPublishedService } from "~/directory/services.server";
import { importFeed } from "~/openreferral/import.server";
import { DEMO, signedIn } from "../helpers";

const feed = {
  id: "7a1c0d6e-0000-4000-8000-000000000001",
  name: "Stobswell Toy Library",
  description: "Toys and games to borrow for children under five. Stay and play on Tuesdays.",
  status: "active",
  last_modified: "2025-03-01T10:00:00Z",
  organization: { id: "7a1c0d6e-0000-4000-8000-0000000000aa", name: "Stobswell Play Association", description: "Play for all." },
  service_at_locations: [
    {
      id: "7a1c0d6e-0000-4000-8000-0000000000b1",
      location: {
        id: "7a1c0d6e-0000-4000-8000-0000000000c1",
        location_type: "physical",
        name: "Stobswell Hub",
        addresses: [
          {
            id: "7a1c0d6e-0000-4000-8000-0000000000d1",
            address_1: "1 Albert Street",
            city: "Dundee",
            state_province: "Scotland",
            postal_code: "DD4 6NS",
            country: "GB",
            address_type: "physical",
          },
        ],
      },
    },
  ],
  attributes: [
    {
      id: "7a1c0d6e-0000-4000-8000-0000000000e1",
      taxonomy_term: { id: "7a1c0d6e-0000-4000-8000-0000000000f1", name: "Active", description: "Play", taxonomy: "SHANARRI" },
    },
  ],
};

describe("an Open Referral update to a published service", () => {
  it("waits as a revision showing what would change, while the published version stays up until approval", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "fort-oruk-revision-"));
    const file = path.join(work, "feed.json");
    await writeFile(file, JSON.stringify(feed));
    expect((await importFeed({ path: file }, { source: "test feed", apply: true })).counts.service.create).toBe(1);
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    expect(await decideImportedService(coordinator, feed.id, "approve", "4.4.4.4")).toMatchObject({ ok: true });

    await writeFile(file, JSON.stringify({ ...feed, name: "Stobswell Toy and Book Library", last_modified: new Date(Date.now() + 3_600_000).toISOString() }));
    const report = await importFeed({ path: file }, { source: "test feed", apply: true });
    expect(report.items.find((i) => i.entity === "service")).toMatchObject({
      action: "update",
      reasons: expect.arrayContaining([expect.stringMatching(/published version stays up/)]),
    });

    // Still public, as it was.
    expect((await getPublishedService(feed.id))!.name).toBe("Stobswell Toy Library");
    const db = await getDb();
    expect((await db.select({ p: s.services.publication }).from(s.services).where(eq(s.services.id, feed.id)))[0]!.p).toBe("published");

    const revision = (await pendingServiceRevisions(coordinator)).find((r) => r.serviceId === feed.id)!;
    expect(revision).toMatchObject({ proposedName: "Stobswell Toy and Book Library", fromImport: true });
    const review = (await revisionForReview(coordinator, revision.id))!;
    expect(review.fromImport).toBe(true);
    expect(review.diff.fields).toEqual([expect.objectContaining({ label: "Name", before: "Stobswell Toy Library", after: "Stobswell Toy and Book Library" })]);
    expect(review.diff.places.map((p) => p.status)).toEqual(["unchanged"]);

    expect(await decideRevision(coordinator, revision.id, "approve", null, "4.4.4.4")).toMatchObject({ ok: true });
    const after = (await getPublishedService(feed.id))!;
    expect(after.name).toBe("Stobswell Toy and Book Library");
    expect(after.locations.map((l) => l.name)).toEqual(["Stobswell Hub"]);
  });
});
