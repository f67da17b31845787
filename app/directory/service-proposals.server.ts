// Providers propose changes to their organisation's services (and publish capacity at once); a coordinator
// approves proposals in service-review.server.ts.
import { and, eq, inArray } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { mayEditService } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { clearMapCache } from "./map-cache.server";
import type { ServiceForm } from "./service-form";
import { currentForm, editableBy, today } from "./service-reading.server";

/** The first of the form's places that is not one of the organisation's, as a field path for its error. */
async function foreignPlace(db: Database, form: ServiceForm, organisationId: string): Promise<string | null> {
  const ids = form.locations.map((p) => p.locationId);
  const own = ids.length
    ? await db
        .select({ id: s.locations.id })
        .from(s.locations)
        .where(and(inArray(s.locations.id, ids), eq(s.locations.organisationId, organisationId)))
    : [];
  const index = ids.findIndex((id) => !own.some((o) => o.id === id));
  return index < 0 ? null : `locations[${index}].locationId`;
}

export type ProposalResult = { ok: true; serviceId: string } | { ok: false; field: string; message: string };

const NOT_OURS = "Choose one of your organisation's places";

/** Saves a provider's change for approval; the public page does not change until a coordinator approves. */
export async function proposeServiceChange(user: CurrentUser, serviceId: string, form: ServiceForm, ip: string): Promise<ProposalResult> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [service] = await tx
      .select({ id: s.services.id, organisationId: s.services.organisationId, publication: s.services.publication })
      .from(s.services)
      .where(and(eq(s.services.id, serviceId), editableBy(user)))
      .for("update");
    if (!service) return { ok: false as const, field: "form" as const, message: "You cannot edit this service." };
    const foreign = await foreignPlace(tx, form, service.organisationId);
    if (foreign) return { ok: false as const, field: foreign, message: NOT_OURS };
    const [row] = await tx.select().from(s.services).where(eq(s.services.id, serviceId));
    // The record as it is now is kept with the proposal, so approving it changes only what the provider changed.
    const base = (await currentForm(tx, serviceId, row!)).form;
    await tx
      .update(s.serviceRevisions)
      .set({ status: "superseded" })
      .where(and(eq(s.serviceRevisions.serviceId, serviceId), eq(s.serviceRevisions.status, "pending")));
    await tx.insert(s.serviceRevisions).values({ serviceId, proposed: { ...form, base } as unknown as Record<string, unknown>, submittedBy: user.id });
    if (service.publication === "draft") await tx.update(s.services).set({ publication: "awaiting_approval" }).where(eq(s.services.id, serviceId));
    await audit({ actorId: user.id, action: "service_submitted", subjectType: "service", subjectId: serviceId, ip }, tx);
    return { ok: true as const, serviceId };
  });
}

/** A new service: hidden from the public until a coordinator approves its first version. */
export async function createService(user: CurrentUser, organisationId: string, form: ServiceForm, ip: string): Promise<ProposalResult> {
  if (!mayEditService(user, { organisationId })) return { ok: false, field: "form", message: "You cannot add services to this organisation." };
  const db = await getDb();
  return db.transaction(async (tx) => {
    const foreign = await foreignPlace(tx, form, organisationId);
    if (foreign) return { ok: false as const, field: foreign, message: NOT_OURS };
    const [service] = await tx
      .insert(s.services)
      .values({ organisationId, name: form.name, summary: form.summary, description: form.description, publication: "awaiting_approval" })
      .returning({ id: s.services.id });
    await tx.insert(s.serviceRevisions).values({ serviceId: service!.id, proposed: form as unknown as Record<string, unknown>, submittedBy: user.id });
    await audit({ actorId: user.id, action: "service_submitted", subjectType: "service", subjectId: service!.id, ip, details: { new: true } }, tx);
    return { ok: true as const, serviceId: service!.id };
  });
}

/** Capacity is operational news, so it publishes at once (and counts as checking the record). */
export async function updateCapacity(
  user: CurrentUser,
  serviceId: string,
  capacity: "accepting" | "waiting_list" | "not_accepting",
  typicalWaitWeeks: number | null,
  ip: string,
) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(s.services)
      .set({ capacity, typicalWaitWeeks: capacity === "waiting_list" ? typicalWaitWeeks : null, lastCheckedOn: today(), updatedAt: clock.now() })
      .where(and(eq(s.services.id, serviceId), editableBy(user)))
      .returning({ id: s.services.id });
    if (!updated) return false;
    await audit(
      { actorId: user.id, action: "service_capacity_changed", subjectType: "service", subjectId: serviceId, ip, details: { capacity, typicalWaitWeeks } },
      tx,
    );
    // The map's short-lived cache would otherwise show the old capacity for up to its lifetime.
    clearMapCache();
    return true;
  });
}
