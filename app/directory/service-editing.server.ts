// Providers propose changes to their organisation's services; coordinators approve them.
// Every query is scoped to the caller's organisations inside the SQL.
import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { assertMay, mayEditService, serviceEditScope } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { config } from "../config.server";
import { Conflict, NotFound } from "../domain/errors";
import { clearMapCache } from "./map-cache.server";
import type { ServiceForm } from "./service-form";
import type { CategoryCode, ShanarriCode } from "./taxonomy";

const today = () => clock.now().toISOString().slice(0, 10);

/** Services the caller may edit (the policy's rule, as SQL). */
const editableBy = serviceEditScope;

export async function listManagedServices(user: CurrentUser) {
  const db = await getDb();
  return db
    .select({
      id: s.services.id,
      name: s.services.name,
      organisationName: s.organisations.name,
      publication: s.services.publication,
      status: s.services.status,
      capacity: s.services.capacity,
      typicalWaitWeeks: s.services.typicalWaitWeeks,
      lastCheckedOn: s.services.lastCheckedOn,
      pendingChange: sql<boolean>`exists (select 1 from ${s.serviceRevisions} r where r.service_id = ${s.services.id} and r.status = 'pending')`,
    })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(editableBy(user))
    .orderBy(asc(s.organisations.name), asc(s.services.name));
}

async function termCodes(db: Database, serviceId: string, taxonomy: string) {
  const rows = await db
    .select({ code: s.taxonomyTerms.code })
    .from(s.serviceTaxonomyTerms)
    .innerJoin(s.taxonomyTerms, eq(s.taxonomyTerms.id, s.serviceTaxonomyTerms.taxonomyTermId))
    .where(and(eq(s.serviceTaxonomyTerms.serviceId, serviceId), eq(s.taxonomyTerms.taxonomy, taxonomy)))
    .orderBy(asc(s.taxonomyTerms.code));
  return rows.map((r) => r.code);
}

/** Whether the caller may edit the service; checked before anything else an action does. */
export async function canEditService(user: CurrentUser, serviceId: string) {
  const db = await getDb();
  const [row] = await db.select({ id: s.services.id }).from(s.services).where(and(eq(s.services.id, serviceId), editableBy(user)));
  return Boolean(row);
}

/** The service as its form shows it (the pending proposal if there is one), or null when not the caller's. */
export async function getServiceForEditing(user: CurrentUser, serviceId: string) {
  const db = await getDb();
  const [service] = await db
    .select({
      id: s.services.id,
      organisationId: s.services.organisationId,
      organisationName: s.organisations.name,
      publication: s.services.publication,
      capacity: s.services.capacity,
      typicalWaitWeeks: s.services.typicalWaitWeeks,
      lastCheckedOn: s.services.lastCheckedOn,
      name: s.services.name,
      summary: s.services.summary,
      description: s.services.description,
      minAge: s.services.minAge,
      maxAge: s.services.maxAge,
      eligibilityCriteria: s.services.eligibilityCriteria,
      acceptsProfessionalReferrals: s.services.acceptsProfessionalReferrals,
      acceptsSelfReferrals: s.services.acceptsSelfReferrals,
      status: s.services.status,
      isFree: s.services.isFree,
      costDescription: s.services.costDescription,
      url: s.services.url,
      email: s.services.email,
      phone: s.services.phone,
    })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(and(eq(s.services.id, serviceId), editableBy(user)));
  if (!service) return null;

  const [pending] = await db
    .select({ id: s.serviceRevisions.id, proposed: s.serviceRevisions.proposed, submittedAt: s.serviceRevisions.submittedAt })
    .from(s.serviceRevisions)
    .where(and(eq(s.serviceRevisions.serviceId, serviceId), eq(s.serviceRevisions.status, "pending")))
    .orderBy(desc(s.serviceRevisions.submittedAt))
    .limit(1);
  const [location] = await db.select({ id: s.serviceAtLocations.locationId }).from(s.serviceAtLocations).where(eq(s.serviceAtLocations.serviceId, serviceId)).limit(1);
  const hours = await db
    .select({ weekday: s.openingHours.weekday, opensAt: s.openingHours.opensAt, closesAt: s.openingHours.closesAt })
    .from(s.openingHours)
    .where(eq(s.openingHours.serviceId, serviceId));
  const current: ServiceForm = {
    name: service.name,
    summary: service.summary,
    description: service.description,
    minAge: service.minAge,
    maxAge: service.maxAge,
    eligibilityCriteria: service.eligibilityCriteria,
    acceptsProfessionalReferrals: service.acceptsProfessionalReferrals,
    acceptsSelfReferrals: service.acceptsSelfReferrals,
    status: service.status,
    isFree: service.isFree,
    costDescription: service.costDescription,
    url: service.url,
    email: service.email,
    phone: service.phone,
    shanarri: (await termCodes(db, serviceId, "shanarri")) as ShanarriCode[],
    categories: (await termCodes(db, serviceId, "category")) as CategoryCode[],
    locationId: location?.id ?? "",
    hours: Array.from({ length: 7 }, (_, i) => {
      const h = hours.find((x) => x.weekday === i + 1);
      return h ? { opens: h.opensAt.slice(0, 5), closes: h.closesAt.slice(0, 5) } : {};
    }),
  };
  const locations = await db
    .select({ id: s.locations.id, name: s.locations.name, postcode: s.locations.postcode })
    .from(s.locations)
    .where(eq(s.locations.organisationId, service.organisationId))
    .orderBy(asc(s.locations.name));
  return {
    service,
    current,
    pending: pending ? { id: pending.id, submittedAt: pending.submittedAt, proposed: pending.proposed as unknown as ServiceForm } : null,
    locations,
  };
}

/** Locations a provider can choose for a new service in one of their organisations. */
export async function organisationLocations(user: CurrentUser, organisationId: string) {
  if (!mayEditService(user, { organisationId })) return null;
  const db = await getDb();
  return db
    .select({ id: s.locations.id, name: s.locations.name, postcode: s.locations.postcode })
    .from(s.locations)
    .where(eq(s.locations.organisationId, organisationId))
    .orderBy(asc(s.locations.name));
}

async function locationBelongsTo(db: Database, locationId: string, organisationId: string) {
  const [row] = await db.select({ id: s.locations.id }).from(s.locations).where(and(eq(s.locations.id, locationId), eq(s.locations.organisationId, organisationId)));
  return Boolean(row);
}

export type ProposalResult = { ok: true; serviceId: string } | { ok: false; field: "locationId" | "form"; message: string };

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
    if (!(await locationBelongsTo(tx, form.locationId, service.organisationId))) return { ok: false as const, field: "locationId" as const, message: "Choose one of your organisation's locations" };
    await tx.update(s.serviceRevisions).set({ status: "superseded" }).where(and(eq(s.serviceRevisions.serviceId, serviceId), eq(s.serviceRevisions.status, "pending")));
    await tx.insert(s.serviceRevisions).values({ serviceId, proposed: form as unknown as Record<string, unknown>, submittedBy: user.id });
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
    if (!(await locationBelongsTo(tx, form.locationId, organisationId))) return { ok: false as const, field: "locationId" as const, message: "Choose one of your organisation's locations" };
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
export async function updateCapacity(user: CurrentUser, serviceId: string, capacity: "accepting" | "waiting_list" | "not_accepting", typicalWaitWeeks: number | null, ip: string) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(s.services)
      .set({ capacity, typicalWaitWeeks: capacity === "waiting_list" ? typicalWaitWeeks : null, lastCheckedOn: today(), updatedAt: clock.now() })
      .where(and(eq(s.services.id, serviceId), editableBy(user)))
      .returning({ id: s.services.id });
    if (!updated) return false;
    await audit({ actorId: user.id, action: "service_capacity_changed", subjectType: "service", subjectId: serviceId, ip, details: { capacity, typicalWaitWeeks } }, tx);
    // The map's short-lived cache would otherwise show the old capacity for up to its lifetime.
    clearMapCache();
    return true;
  });
}

export async function pendingServiceRevisions(coordinator: CurrentUser) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db
    .select({
      id: s.serviceRevisions.id,
      serviceId: s.serviceRevisions.serviceId,
      serviceName: s.services.name,
      proposedName: sql<string>`${s.serviceRevisions.proposed}->>'name'`,
      organisationName: s.organisations.name,
      isNew: sql<boolean>`${s.services.publication} <> 'published'`,
      submittedAt: s.serviceRevisions.submittedAt,
      submittedBy: s.users.name,
    })
    .from(s.serviceRevisions)
    .innerJoin(s.services, eq(s.services.id, s.serviceRevisions.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .leftJoin(s.users, eq(s.users.id, s.serviceRevisions.submittedBy))
    .where(eq(s.serviceRevisions.status, "pending"))
    .orderBy(asc(s.serviceRevisions.submittedAt));
}

/** Services waiting for approval with no proposed revision: records brought in by an Open Referral import. */
export async function importedServicesAwaitingApproval(coordinator: CurrentUser) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db
    .select({ id: s.services.id, name: s.services.name, organisationName: s.organisations.name, source: s.services.source, updatedAt: s.services.updatedAt })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(
      and(
        eq(s.services.publication, "awaiting_approval"),
        sql`not exists (select 1 from ${s.serviceRevisions} r where r.service_id = ${s.services.id} and r.status = 'pending')`,
      ),
    )
    .orderBy(asc(s.services.updatedAt));
}

/** Publishes an imported service as it is, or sends it back to draft. */
export async function decideImportedService(coordinator: CurrentUser, serviceId: string, decision: "approve" | "reject", ip: string): Promise<DecisionResult> {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [service] = await tx
      .update(s.services)
      .set(decision === "approve" ? { publication: "published", lastCheckedOn: today(), updatedAt: clock.now() } : { publication: "draft", updatedAt: clock.now() })
      .where(and(eq(s.services.id, serviceId), eq(s.services.publication, "awaiting_approval")))
      .returning({ name: s.services.name });
    if (!service) throw new Conflict("This service is no longer waiting for approval.");
    clearMapCache();
    await audit({ actorId: coordinator.id, action: "service_approved", subjectType: "service", subjectId: serviceId, ip, details: { decision, imported: true } }, tx);
    return { ok: true as const, message: decision === "approve" ? `${service.name} is published.` : `${service.name} was set back to draft.` };
  });
}

/** A pending revision beside the service's current record, for the coordinator's decision. */
export async function revisionForReview(coordinator: CurrentUser, revisionId: string) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  const [revision] = await db
    .select({ id: s.serviceRevisions.id, serviceId: s.serviceRevisions.serviceId, status: s.serviceRevisions.status, submittedAt: s.serviceRevisions.submittedAt, submittedBy: s.users.name })
    .from(s.serviceRevisions)
    .leftJoin(s.users, eq(s.users.id, s.serviceRevisions.submittedBy))
    .where(eq(s.serviceRevisions.id, revisionId));
  if (!revision) throw new NotFound("That change could not be found.");
  const editing = await getServiceForEditing(coordinator, revision.serviceId);
  if (!editing) throw new NotFound("That change could not be found.");
  const [proposedRow] = await db.select({ proposed: s.serviceRevisions.proposed }).from(s.serviceRevisions).where(eq(s.serviceRevisions.id, revisionId));
  return { revision, service: editing.service, current: editing.current, proposed: proposedRow!.proposed as unknown as ServiceForm, locations: editing.locations };
}

async function applyForm(tx: Database, serviceId: string, form: ServiceForm) {
  await tx
    .update(s.services)
    .set({
      name: form.name,
      summary: form.summary,
      description: form.description,
      minAge: form.minAge,
      maxAge: form.maxAge,
      eligibilityCriteria: form.eligibilityCriteria,
      acceptsProfessionalReferrals: form.acceptsProfessionalReferrals,
      acceptsSelfReferrals: form.acceptsSelfReferrals,
      status: form.status,
      isFree: form.isFree,
      costDescription: form.isFree ? null : form.costDescription,
      url: form.url,
      email: form.email,
      phone: form.phone,
      publication: "published",
      lastCheckedOn: today(),
      updatedAt: clock.now(),
    })
    .where(eq(s.services.id, serviceId));
  const terms = await tx
    .select({ id: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code })
    .from(s.taxonomyTerms)
    .where(inArray(s.taxonomyTerms.code, [...form.shanarri, ...form.categories]));
  const wanted = terms.filter((t) => (t.taxonomy === "shanarri" ? (form.shanarri as string[]) : (form.categories as string[])).includes(t.code));
  await tx.delete(s.serviceTaxonomyTerms).where(eq(s.serviceTaxonomyTerms.serviceId, serviceId));
  if (wanted.length) await tx.insert(s.serviceTaxonomyTerms).values(wanted.map((t) => ({ serviceId, taxonomyTermId: t.id })));
  await tx.delete(s.openingHours).where(eq(s.openingHours.serviceId, serviceId));
  const hours = form.hours.flatMap((h, i) => (h.opens && h.closes ? [{ serviceId, weekday: i + 1, opensAt: h.opens, closesAt: h.closes }] : []));
  if (hours.length) await tx.insert(s.openingHours).values(hours);
  await tx.delete(s.serviceAtLocations).where(and(eq(s.serviceAtLocations.serviceId, serviceId), ne(s.serviceAtLocations.locationId, form.locationId)));
  await tx.insert(s.serviceAtLocations).values({ serviceId, locationId: form.locationId }).onConflictDoNothing();
}

/** What a decision did, for the coordinator's notice; a refusal is thrown (Forbidden, Conflict). */
export type DecisionResult = { ok: true; message: string };

export async function decideRevision(coordinator: CurrentUser, revisionId: string, decision: "approve" | "reject", note: string | null, ip: string): Promise<DecisionResult> {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [revision] = await tx
      .select({ id: s.serviceRevisions.id, serviceId: s.serviceRevisions.serviceId, proposed: s.serviceRevisions.proposed, status: s.serviceRevisions.status, submittedBy: s.serviceRevisions.submittedBy })
      .from(s.serviceRevisions)
      .where(eq(s.serviceRevisions.id, revisionId))
      .for("update");
    if (!revision || revision.status !== "pending") throw new Conflict("This change has already been decided or replaced by a newer one.");
    const form = revision.proposed as unknown as ServiceForm;
    if (decision === "approve") {
      await applyForm(tx, revision.serviceId, form);
      clearMapCache();
    }
    await tx
      .update(s.serviceRevisions)
      .set({ status: decision === "approve" ? "approved" : "rejected", decidedBy: coordinator.id, decidedAt: clock.now(), decisionNote: note })
      .where(eq(s.serviceRevisions.id, revisionId));
    await audit({ actorId: coordinator.id, action: "service_approved", subjectType: "service", subjectId: revision.serviceId, ip, details: { revisionId, decision, note } }, tx);
    if (revision.submittedBy) {
      const [submitter] = await tx.select({ email: s.users.email, name: s.users.name }).from(s.users).where(eq(s.users.id, revision.submittedBy));
      if (submitter) {
        await queueMail(
          {
            to: submitter.email,
            subject: decision === "approve" ? `Your changes to ${form.name} are live on FORT` : `Your changes to ${form.name} need another look`,
            text: [
              `Hello ${submitter.name},`,
              "",
              decision === "approve" ? `A FORT coordinator approved your changes to ${form.name}. Families and professionals now see them.` : `A FORT coordinator did not approve your changes to ${form.name}.`,
              note ? `\nTheir note: ${note}` : "",
              "",
              `${config().APP_URL}/provider/services/${revision.serviceId}`,
            ].join("\n"),
          },
          tx,
        );
      }
    }
    return { ok: true as const, message: decision === "approve" ? `${form.name} is published with the new details.` : `The change to ${form.name} was sent back to its provider.` };
  });
}
