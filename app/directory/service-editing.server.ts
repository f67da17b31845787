// Providers propose changes to their organisation's services; coordinators approve them.
// Every query is scoped to the caller's organisations inside the SQL.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { assertMay, mayEditService, serviceEditScope } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { config } from "../config.server";
import { Conflict, NotFound } from "../domain/errors";
import { type ImportedProposal, applyImportedProposal, isImportedProposal } from "../openreferral/import-write.server";
import { clearMapCache } from "./map-cache.server";
import { LANGUAGES, type Choice, withCurrent } from "./languages";
import { areaChoices } from "./service-areas.server";
import { type DiffNames, diffServiceForms, touchedParts } from "./service-diff";
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
  // The coordinator's answer to the provider's last proposal, so a note sent back is seen where they edit.
  const [lastDecision] = await db
    .select({ status: s.serviceRevisions.status, note: s.serviceRevisions.decisionNote, decidedAt: s.serviceRevisions.decidedAt })
    .from(s.serviceRevisions)
    .where(and(eq(s.serviceRevisions.serviceId, serviceId), inArray(s.serviceRevisions.status, ["approved", "rejected"])))
    .orderBy(desc(s.serviceRevisions.decidedAt))
    .limit(1);
  const current = await currentForm(db, serviceId, service);
  const locations = await organisationPlaces(db, service.organisationId);
  const proposed = pending ? (pending.proposed as unknown as StoredProposal) : null;
  return {
    service,
    current: current.form,
    pending: pending && proposed ? { id: pending.id, submittedAt: pending.submittedAt, proposed: withoutBase(proposed) } : null,
    locations,
    lastDecision: lastDecision ?? null,
    areaChoices: withCurrent(areaChoices(), current.areas),
    languageChoices: withCurrent(LANGUAGES, current.languages),
  };
}

type ServiceRow = Pick<
  typeof s.services.$inferSelect,
  | "name"
  | "summary"
  | "description"
  | "minAge"
  | "maxAge"
  | "eligibilityCriteria"
  | "acceptsProfessionalReferrals"
  | "acceptsSelfReferrals"
  | "status"
  | "isFree"
  | "costDescription"
  | "url"
  | "email"
  | "phone"
>;

/** A revision keeps the form as it was when the provider opened it, so approval changes only what they touched. */
export type StoredProposal = ServiceForm & { base?: ServiceForm };

function withoutBase(proposal: StoredProposal): ServiceForm {
  const { base: _base, ...form } = proposal;
  return form;
}

const areaKey = (a: { code: string | null; name: string }) => a.code ?? `name:${a.name}`;
const emptyWeek = () => Array.from({ length: 7 }, () => ({}) as { opens?: string; closes?: string });

/** The service as its edit form holds it, read from the published tables. */
async function currentForm(db: Database, serviceId: string, service: ServiceRow) {
  const [places, hours, areas, languages] = await Promise.all([
    db
      .select({ locationId: s.serviceAtLocations.locationId, accessibility: s.locations.accessibility })
      .from(s.serviceAtLocations)
      .innerJoin(s.locations, eq(s.locations.id, s.serviceAtLocations.locationId))
      .where(eq(s.serviceAtLocations.serviceId, serviceId))
      .orderBy(asc(s.locations.name), asc(s.locations.id)),
    db
      .select({ locationId: s.openingHours.locationId, weekday: s.openingHours.weekday, opensAt: s.openingHours.opensAt, closesAt: s.openingHours.closesAt })
      .from(s.openingHours)
      .where(eq(s.openingHours.serviceId, serviceId))
      .orderBy(asc(s.openingHours.opensAt)),
    db.select({ code: s.serviceAreas.code, name: s.serviceAreas.name }).from(s.serviceAreas).where(eq(s.serviceAreas.serviceId, serviceId)).orderBy(asc(s.serviceAreas.name)),
    db.select({ code: s.serviceLanguages.code, name: s.serviceLanguages.name }).from(s.serviceLanguages).where(eq(s.serviceLanguages.serviceId, serviceId)).orderBy(asc(s.serviceLanguages.ordinal)),
  ]);
  // Hours kept for one place apply there; hours with no place (older and imported records) apply everywhere.
  const hoursAt = (locationId: string) => {
    const own = hours.filter((h) => h.locationId === locationId);
    const rows = own.length ? own : hours.filter((h) => h.locationId === null);
    const week = emptyWeek();
    for (const h of rows) if (!week[h.weekday - 1]!.opens) week[h.weekday - 1] = { opens: h.opensAt.slice(0, 5), closes: h.closesAt.slice(0, 5) };
    return week;
  };
  const form: ServiceForm = {
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
    locations: places.map((p) => ({ locationId: p.locationId, accessibility: p.accessibility as ServiceForm["locations"][number]["accessibility"], hours: hoursAt(p.locationId) })),
    areas: areas.map(areaKey),
    languages: languages.map((l) => l.code),
  };
  return { form, areas: areas.map((a) => ({ code: areaKey(a), name: a.name })), languages };
}

/** The places an organisation has, for the form's place pickers and the approval page's names. */
async function organisationPlaces(db: Database, organisationId: string) {
  return db
    .select({ id: s.locations.id, name: s.locations.name, postcode: s.locations.postcode, accessibility: s.locations.accessibility })
    .from(s.locations)
    .where(eq(s.locations.organisationId, organisationId))
    .orderBy(asc(s.locations.name));
}

/** Locations a provider can choose for a new service in one of their organisations. */
export async function organisationLocations(user: CurrentUser, organisationId: string) {
  if (!mayEditService(user, { organisationId })) return null;
  return organisationPlaces(await getDb(), organisationId);
}

/** The lists a new service's form offers. */
export function serviceFormChoices() {
  return { areaChoices: areaChoices(), languageChoices: [...LANGUAGES] as Choice[] };
}

/** The first of the form's places that is not one of the organisation's, as a field path for its error. */
async function foreignPlace(db: Database, form: ServiceForm, organisationId: string): Promise<string | null> {
  const ids = form.locations.map((p) => p.locationId);
  const own = ids.length
    ? await db.select({ id: s.locations.id }).from(s.locations).where(and(inArray(s.locations.id, ids), eq(s.locations.organisationId, organisationId)))
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
    await tx.update(s.serviceRevisions).set({ status: "superseded" }).where(and(eq(s.serviceRevisions.serviceId, serviceId), eq(s.serviceRevisions.status, "pending")));
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
      proposedName: sql<string>`coalesce(${s.serviceRevisions.proposed}->>'name', ${s.serviceRevisions.proposed}->'draft'->'fields'->>'name')`,
      fromImport: sql<boolean>`coalesce(${s.serviceRevisions.proposed}->>'kind' = 'import', false)`,
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

/** A pending revision beside the service's current record, with every change it would make, for the coordinator. */
export async function revisionForReview(coordinator: CurrentUser, revisionId: string) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  const [revision] = await db
    .select({
      id: s.serviceRevisions.id,
      serviceId: s.serviceRevisions.serviceId,
      status: s.serviceRevisions.status,
      submittedAt: s.serviceRevisions.submittedAt,
      submittedBy: s.users.name,
      proposed: s.serviceRevisions.proposed,
    })
    .from(s.serviceRevisions)
    .leftJoin(s.users, eq(s.users.id, s.serviceRevisions.submittedBy))
    .where(eq(s.serviceRevisions.id, revisionId));
  if (!revision) throw new NotFound("That change could not be found.");
  const editing = await getServiceForEditing(coordinator, revision.serviceId);
  if (!editing) throw new NotFound("That change could not be found.");
  const isNew = editing.service.publication !== "published";
  const fromImport = isImportedProposal(revision.proposed);
  let outcome: ServiceForm;
  if (isImportedProposal(revision.proposed)) {
    outcome = formFromImport(revision.proposed.draft, editing.current);
  } else {
    const stored = revision.proposed as unknown as StoredProposal;
    const proposed = withoutBase(stored);
    // What approving would publish: the current record with the provider's changes laid over it.
    outcome = isNew || !stored.base ? proposed : mergeTouched(editing.current, stored.base, proposed);
  }
  const names: DiffNames = {
    locations: Object.fromEntries(editing.locations.map((l) => [l.id, `${l.name}, ${l.postcode}`])),
    areas: Object.fromEntries(editing.areaChoices.map((a) => [a.code, a.name])),
    languages: Object.fromEntries(editing.languageChoices.map((l) => [l.code, l.name])),
  };
  const { proposed: _raw, ...summary } = revision;
  return { revision: summary, service: editing.service, isNew, fromImport, diff: diffServiceForms(isNew ? null : editing.current, outcome, names) };
}

/** An imported record as the form would hold it, so it can be compared with the published one field by field. */
function formFromImport(draft: ImportedProposal["draft"], current: ServiceForm): ServiceForm {
  const f = draft.fields;
  const pick = <K extends keyof ServiceForm>(key: K, value: ServiceForm[K] | undefined): ServiceForm[K] => (value === undefined ? current[key] : value);
  const week = Array.from({ length: 7 }, () => ({}) as { opens?: string; closes?: string });
  for (const h of draft.hours) if (!week[h.weekday - 1]!.opens) week[h.weekday - 1] = { opens: h.opensAt.slice(0, 5), closes: h.closesAt.slice(0, 5) };
  const codes = (taxonomy: string) => draft.terms.filter((t) => t.startsWith(`${taxonomy}:`)).map((t) => t.slice(taxonomy.length + 1));
  return {
    name: f.name,
    summary: f.summary ?? current.summary,
    description: f.description,
    minAge: f.minAge,
    maxAge: f.maxAge,
    eligibilityCriteria: pick("eligibilityCriteria", f.eligibilityCriteria),
    acceptsProfessionalReferrals: pick("acceptsProfessionalReferrals", f.acceptsProfessionalReferrals),
    acceptsSelfReferrals: pick("acceptsSelfReferrals", f.acceptsSelfReferrals),
    status: f.status,
    isFree: pick("isFree", f.isFree),
    costDescription: pick("costDescription", f.costDescription),
    url: f.url,
    email: f.email,
    phone: pick("phone", f.phone),
    shanarri: codes("shanarri") as ShanarriCode[],
    categories: codes("category") as CategoryCode[],
    locations: draft.locations.map((l) => ({ locationId: l.location.id, accessibility: l.location.accessibility as ServiceForm["locations"][number]["accessibility"], hours: week })),
    areas: draft.areas.map(areaKey),
    languages: draft.languages ? draft.languages.map((l) => l.code) : current.languages,
  };
}

/** The current form with only the parts the provider changed (against the record they edited) taken from the proposal. */
export function mergeTouched(current: ServiceForm, base: ServiceForm, proposed: ServiceForm): ServiceForm {
  const touched = touchedParts(base, proposed);
  const merged: ServiceForm = { ...current };
  for (const key of touched.scalars) (merged as Record<string, unknown>)[key] = proposed[key];
  if (touched.taxonomy) Object.assign(merged, { shanarri: proposed.shanarri, categories: proposed.categories });
  if (touched.areas) merged.areas = proposed.areas;
  if (touched.languages) merged.languages = proposed.languages;
  const removed = new Set(touched.placesRemoved);
  const proposedById = new Map(proposed.locations.map((p) => [p.locationId, p]));
  const accessibilityChanged = new Set(touched.accessibility.map((p) => p.locationId));
  merged.locations = [
    ...current.locations
      .filter((p) => !removed.has(p.locationId))
      .map((p) => {
        const mine = proposedById.get(p.locationId);
        if (!mine) return p;
        return { locationId: p.locationId, hours: touched.hours ? mine.hours : p.hours, accessibility: accessibilityChanged.has(p.locationId) ? mine.accessibility : p.accessibility };
      }),
    ...proposed.locations.filter((p) => touched.placesAdded.includes(p.locationId) && !current.locations.some((c) => c.locationId === p.locationId)),
  ];
  return merged;
}

const sameWeek = (a: ServiceForm["locations"][number]["hours"], b: ServiceForm["locations"][number]["hours"]) => JSON.stringify(a) === JSON.stringify(b);

/** Writes a form onto the service, touching only the tables whose content differs from what is published now. */
async function applyForm(tx: Database, serviceId: string, form: ServiceForm, current: ServiceForm, choices: { areas: Choice[]; languages: Choice[] }, actorId: string, ip: string) {
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
  const changed = touchedParts(current, form);
  if (changed.taxonomy) {
    const terms = await tx
      .select({ id: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code })
      .from(s.taxonomyTerms)
      .where(inArray(s.taxonomyTerms.code, [...form.shanarri, ...form.categories]));
    const wanted = terms.filter((t) => (t.taxonomy === "shanarri" ? (form.shanarri as string[]) : (form.categories as string[])).includes(t.code));
    await tx.delete(s.serviceTaxonomyTerms).where(eq(s.serviceTaxonomyTerms.serviceId, serviceId));
    if (wanted.length) await tx.insert(s.serviceTaxonomyTerms).values(wanted.map((t) => ({ serviceId, taxonomyTermId: t.id })));
  }
  if (changed.placesRemoved.length) {
    await tx.delete(s.serviceAtLocations).where(and(eq(s.serviceAtLocations.serviceId, serviceId), inArray(s.serviceAtLocations.locationId, changed.placesRemoved)));
  }
  if (changed.placesAdded.length) {
    await tx.insert(s.serviceAtLocations).values(changed.placesAdded.map((locationId) => ({ serviceId, locationId }))).onConflictDoNothing();
  }
  if (changed.hours || changed.placesAdded.length) {
    await tx.delete(s.openingHours).where(eq(s.openingHours.serviceId, serviceId));
    // The same week everywhere is kept once for the service; different weeks are kept per place.
    const sameEverywhere = form.locations.every((p) => sameWeek(p.hours, form.locations[0]!.hours));
    const places = sameEverywhere ? [{ locationId: null, hours: form.locations[0]!.hours }] : form.locations;
    const rows = places.flatMap((p) =>
      p.hours.flatMap((h, i) => (h.opens && h.closes ? [{ serviceId, locationId: p.locationId, weekday: i + 1, opensAt: h.opens, closesAt: h.closes }] : [])),
    );
    if (rows.length) await tx.insert(s.openingHours).values(rows);
  }
  for (const place of form.locations) {
    const before = current.locations.find((p) => p.locationId === place.locationId);
    const differs = before ? changed.accessibility.some((p) => p.locationId === place.locationId) : place.accessibility.length > 0;
    if (!differs) continue;
    // Accessibility is a fact about the building, so it changes for every service there.
    await tx.update(s.locations).set({ accessibility: place.accessibility, updatedAt: clock.now() }).where(eq(s.locations.id, place.locationId));
    await audit({ actorId, action: "location_saved", subjectType: "location", subjectId: place.locationId, ip, details: { accessibility: place.accessibility, viaService: serviceId } }, tx);
  }
  if (changed.areas) {
    const names = new Map(choices.areas.map((a) => [a.code, a.name]));
    await tx.delete(s.serviceAreas).where(eq(s.serviceAreas.serviceId, serviceId));
    const rows = form.areas.map((key) => (key.startsWith("name:") ? { serviceId, code: null, name: key.slice(5) } : { serviceId, code: key, name: names.get(key) ?? key }));
    if (rows.length) await tx.insert(s.serviceAreas).values(rows);
  }
  if (changed.languages) {
    const names = new Map(choices.languages.map((l) => [l.code, l.name]));
    await tx.delete(s.serviceLanguages).where(eq(s.serviceLanguages.serviceId, serviceId));
    const rows = [...new Set(form.languages)].map((code, ordinal) => ({ serviceId, code, name: names.get(code) ?? code, ordinal }));
    if (rows.length) await tx.insert(s.serviceLanguages).values(rows);
  }
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
    if (isImportedProposal(revision.proposed)) {
      const imported = revision.proposed;
      if (decision === "approve") {
        await applyImportedProposal(tx, imported);
        clearMapCache();
      }
      await tx
        .update(s.serviceRevisions)
        .set({ status: decision === "approve" ? "approved" : "rejected", decidedBy: coordinator.id, decidedAt: clock.now(), decisionNote: note })
        .where(eq(s.serviceRevisions.id, revisionId));
      await audit({ actorId: coordinator.id, action: "service_approved", subjectType: "service", subjectId: revision.serviceId, ip, details: { revisionId, decision, note, imported: true } }, tx);
      const name = imported.draft.fields.name;
      return { ok: true as const, message: decision === "approve" ? `${name} is published with the imported details.` : `The imported update to ${name} was set aside; the published version stays.` };
    }
    const stored = revision.proposed as unknown as StoredProposal;
    const form = withoutBase(stored);
    if (decision === "approve") {
      const [row] = await tx.select().from(s.services).where(eq(s.services.id, revision.serviceId)).for("update");
      const now = await currentForm(tx, revision.serviceId, row!);
      const outcome = row!.publication === "published" && stored.base ? mergeTouched(now.form, stored.base, form) : form;
      await applyForm(tx, revision.serviceId, outcome, now.form, { areas: withCurrent(areaChoices(), now.areas), languages: withCurrent(LANGUAGES, now.languages) }, coordinator.id, ip);
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
