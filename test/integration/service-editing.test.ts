import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { Conflict } from "~/domain/errors";
import {
  decideImportedService,
  importedServicesAwaitingApproval,
  decideRevision,
  getServiceForEditing,
  revisionForReview,
  pendingServiceRevisions,
  proposeServiceChange,
  updateCapacity,
  createService,
  listManagedServices,
} from "~/directory/service-editing.server";
import { getPublishedService } from "~/directory/services.server";
import { DEMO, signedIn } from "../helpers";

async function publishedServiceOf(organisationId: string) {
  const db = await getDb();
  const [row] = await db
    .select({ id: s.services.id })
    .from(s.services)
    .where(and(eq(s.services.organisationId, organisationId), eq(s.services.publication, "published")))
    .limit(1);
  return row!.id;
}

describe("providers editing their services", () => {
  it("keeps the public page unchanged until a coordinator approves, then publishes the change", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const serviceId = await publishedServiceOf(provider.organisations[0]!.id);
    const editing = await getServiceForEditing(provider, serviceId);
    const before = editing!.current.name;

    const current = editing!.current;
    const proposed = {
      ...current,
      name: `${before} (renamed)`,
      locations: current.locations.map((p) => ({ ...p, hours: p.hours.map((h, i) => (i === 5 ? { opens: "10:00", closes: "12:00" } : h)) })),
    };
    expect(await proposeServiceChange(provider, serviceId, proposed, "4.4.4.4")).toEqual({ ok: true, serviceId });
    expect((await getPublishedService(serviceId))!.name).toBe(before);
    expect((await getServiceForEditing(provider, serviceId))!.pending!.proposed.name).toBe(`${before} (renamed)`);

    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const revision = (await pendingServiceRevisions(coordinator)).find((r) => r.serviceId === serviceId)!;
    expect(await decideRevision(coordinator, revision.id, "approve", null, "4.4.4.4")).toMatchObject({ ok: true });
    const after = await getPublishedService(serviceId);
    expect(after!.name).toBe(`${before} (renamed)`);
    expect(after!.hours).toContainEqual(expect.objectContaining({ weekday: 6, opensAt: "10:00:00", closesAt: "12:00:00" }));
    await expect(decideRevision(coordinator, revision.id, "approve", null, "4.4.4.4")).rejects.toBeInstanceOf(Conflict);
  });

  it("publishes capacity at once", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const serviceId = await publishedServiceOf(provider.organisations[0]!.id);
    expect(await updateCapacity(provider, serviceId, "waiting_list", 6, "4.4.4.4")).toBe(true);
    expect(await getPublishedService(serviceId)).toMatchObject({ capacity: "waiting_list", typicalWaitWeeks: 6 });
  });

  it("does not let a provider read or change another organisation's service", async () => {
    const { user: one } = await signedIn(DEMO.providerOne);
    const { user: two } = await signedIn(DEMO.providerTwo);
    const theirs = await publishedServiceOf(two.organisations[0]!.id);
    expect(await getServiceForEditing(one, theirs)).toBeNull();
    expect(await updateCapacity(one, theirs, "not_accepting", null, "4.4.4.4")).toBe(false);
    const form = (await getServiceForEditing(two, theirs))!.current;
    expect(await proposeServiceChange(one, theirs, form, "4.4.4.4")).toMatchObject({ ok: false });
    expect((await listManagedServices(one)).map((x) => x.id)).not.toContain(theirs);
    expect(await getPublishedService(theirs)).toMatchObject({ capacity: expect.not.stringMatching(/^not_accepting$/) });
  });

  it("refuses a location that belongs to another organisation", async () => {
    const { user: one } = await signedIn(DEMO.providerOne);
    const { user: two } = await signedIn(DEMO.providerTwo);
    const mine = await publishedServiceOf(one.organisations[0]!.id);
    const theirLocation = (await getServiceForEditing(two, await publishedServiceOf(two.organisations[0]!.id)))!.current.locations[0]!.locationId;
    const form = (await getServiceForEditing(one, mine))!.current;
    const places = [...form.locations, { locationId: theirLocation, accessibility: [], hours: form.locations[0]!.hours }];
    expect(await proposeServiceChange(one, mine, { ...form, locations: places }, "4.4.4.4")).toMatchObject({
      ok: false,
      field: `locations[${places.length - 1}].locationId`,
    });
  });

  it("keeps a new service hidden until it is approved", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const template = (await getServiceForEditing(provider, await publishedServiceOf(provider.organisations[0]!.id)))!.current;
    const created = await createService(provider, provider.organisations[0]!.id, { ...template, name: "Brand New Dads' Walk" }, "4.4.4.4");
    expect(created.ok).toBe(true);
    const id = created.ok ? created.serviceId : "";
    expect(await getPublishedService(id)).toBeNull();
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const revision = (await pendingServiceRevisions(coordinator)).find((r) => r.serviceId === id)!;
    expect(revision.isNew).toBe(true);
    await decideRevision(coordinator, revision.id, "approve", null, "4.4.4.4");
    expect((await getPublishedService(id))!.name).toBe("Brand New Dads' Walk");
  });

  it("lists imported services in the approval queue and publishes them as they are", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const db = await getDb();
    const [imported] = await db
      .insert(s.services)
      .values({
        organisationId: provider.organisations[0]!.id,
        name: "Imported Toddler Group",
        publication: "awaiting_approval",
        source: "https://feed.example.org/api",
      })
      .returning({ id: s.services.id });
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const queue = await importedServicesAwaitingApproval(coordinator);
    expect(queue.map((q) => q.name)).toContain("Imported Toddler Group");
    expect(await getPublishedService(imported!.id)).toBeNull();
    expect(await decideImportedService(coordinator, imported!.id, "approve", "4.4.4.4")).toMatchObject({ ok: true });
    expect((await getPublishedService(imported!.id))!.name).toBe("Imported Toddler Group");
    await expect(decideImportedService(coordinator, imported!.id, "approve", "4.4.4.4")).rejects.toBeInstanceOf(Conflict);
  });

  it("changes only what the provider changed: a summary edit keeps both places, their hours, areas and languages", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const db = await getDb();
    const [row] = await db.select({ id: s.services.id }).from(s.services).where(eq(s.services.name, "Family Support at Home"));
    const serviceId = row!.id;
    const before = (await getPublishedService(serviceId))!;
    expect(before.locations).toHaveLength(2);
    const editing = (await getServiceForEditing(provider, serviceId))!;
    expect(editing.current.locations).toHaveLength(2);

    expect(
      await proposeServiceChange(
        provider,
        serviceId,
        { ...editing.current, summary: "A family worker who visits you at home, for as long as you need." },
        "4.4.4.4",
      ),
    ).toMatchObject({ ok: true });
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const revision = (await pendingServiceRevisions(coordinator)).find((r) => r.serviceId === serviceId)!;
    const review = (await revisionForReview(coordinator, revision.id))!;
    expect(review.diff.fields).toEqual([
      expect.objectContaining({ label: "Summary", before: before.summary, after: "A family worker who visits you at home, for as long as you need." }),
    ]);
    expect(review.diff.places.map((p) => p.status)).toEqual(["unchanged", "unchanged"]);

    expect(await decideRevision(coordinator, revision.id, "approve", null, "4.4.4.4")).toMatchObject({ ok: true });
    const after = (await getPublishedService(serviceId))!;
    expect(after.summary).toBe("A family worker who visits you at home, for as long as you need.");
    expect(after.locations.map((l) => l.name)).toEqual(before.locations.map((l) => l.name));
    expect(after.hours).toEqual(before.hours);
    expect(after.areas).toEqual(before.areas);
    expect(after.languages).toEqual(before.languages);
  });

  it("adds and removes places, keeps hours per place, and sets areas and languages", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const db = await getDb();
    const [row] = await db.select({ id: s.services.id }).from(s.services).where(eq(s.services.name, "Family Support at Home"));
    const serviceId = row!.id;
    const editing = (await getServiceForEditing(provider, serviceId))!;
    const [first, second] = editing.current.locations;
    const spare = editing.locations.find((l) => !editing.current.locations.some((p) => p.locationId === l.id));
    const week = Array.from({ length: 7 }, (_, i) => (i === 0 ? { opens: "09:00", closes: "12:00" } : {}));
    const places = [{ ...first!, hours: week }, ...(spare ? [{ locationId: spare.id, accessibility: [], hours: [] as typeof week }] : [])].map((p) => ({
      ...p,
      hours: p.hours.length ? p.hours : Array.from({ length: 7 }, () => ({})),
    }));
    const lochee = editing.areaChoices.find((a) => a.name === "Lochee")!;
    expect(
      await proposeServiceChange(
        provider,
        serviceId,
        { ...editing.current, locations: places, areas: [lochee.code, "DD2"], languages: ["en", "pl", "gd"] },
        "4.4.4.4",
      ),
    ).toMatchObject({ ok: true });

    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const revision = (await pendingServiceRevisions(coordinator)).find((r) => r.serviceId === serviceId)!;
    const review = (await revisionForReview(coordinator, revision.id))!;
    const status = Object.fromEntries(review.diff.places.map((p) => [p.locationId, p.status]));
    expect(status[first!.locationId]).toBe("changed");
    expect(status[second!.locationId]).toBe("removed");
    if (spare) expect(status[spare.id]).toBe("added");
    expect(review.diff.fields.map((f) => f.label).sort()).toEqual(["Areas served", "Languages"]);

    await decideRevision(coordinator, revision.id, "approve", null, "4.4.4.4");
    const after = (await getPublishedService(serviceId))!;
    expect(after.locations.map((l) => l.id).sort()).toEqual(places.map((p) => p.locationId).sort());
    expect(after.areas.sort()).toEqual(["DD2", "Lochee"]);
    expect(after.languages.map((l) => l.name)).toEqual(["English", "Polish", "Gaelic"]);
    if (spare)
      expect(after.hours.filter((h) => h.locationId === first!.locationId)).toEqual([
        expect.objectContaining({ weekday: 1, opensAt: "09:00:00", closesAt: "12:00:00" }),
      ]);
  });

  it("shows the provider the note when a coordinator sends a change back", async () => {
    const { user: provider } = await signedIn(DEMO.providerOne);
    const serviceId = await publishedServiceOf(provider.organisations[0]!.id);
    const editing = (await getServiceForEditing(provider, serviceId))!;
    await proposeServiceChange(
      provider,
      serviceId,
      { ...editing.current, description: `${editing.current.description} Now with evening sessions.` },
      "4.4.4.4",
    );
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const revision = (await pendingServiceRevisions(coordinator)).find((r) => r.serviceId === serviceId)!;
    await decideRevision(coordinator, revision.id, "reject", "Please say which evenings.", "4.4.4.4");
    expect((await getServiceForEditing(provider, serviceId))!.lastDecision).toMatchObject({ status: "rejected", note: "Please say which evenings." });
    expect((await getPublishedService(serviceId))!.description).toBe(editing.current.description);
  });
});
