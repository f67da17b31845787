// Reading a service as its edit form holds it, and the choices the form offers. Every query is scoped to the
// caller's organisations inside the SQL.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { mayEditService, serviceEditScope } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { LANGUAGES, type Choice, withCurrent } from "./languages";
import { areaChoices } from "./service-areas.server";
import type { ServiceForm } from "./service-form";
import type { CategoryCode, ShanarriCode } from "./taxonomy";

export const today = () => clock.now().toISOString().slice(0, 10);

/** Services the caller may edit (the policy's rule, as SQL). */
export const editableBy = serviceEditScope;

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
  const [row] = await db
    .select({ id: s.services.id })
    .from(s.services)
    .where(and(eq(s.services.id, serviceId), editableBy(user)));
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

export type ServiceRow = Pick<
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

export function withoutBase(proposal: StoredProposal): ServiceForm {
  const { base: _base, ...form } = proposal;
  return form;
}

export const areaKey = (a: { code: string | null; name: string }) => a.code ?? `name:${a.name}`;
const emptyWeek = () => Array.from({ length: 7 }, () => ({}) as { opens?: string; closes?: string });

/** The service as its edit form holds it, read from the published tables. */
export async function currentForm(db: Database, serviceId: string, service: ServiceRow) {
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
    db
      .select({ code: s.serviceAreas.code, name: s.serviceAreas.name })
      .from(s.serviceAreas)
      .where(eq(s.serviceAreas.serviceId, serviceId))
      .orderBy(asc(s.serviceAreas.name)),
    db
      .select({ code: s.serviceLanguages.code, name: s.serviceLanguages.name })
      .from(s.serviceLanguages)
      .where(eq(s.serviceLanguages.serviceId, serviceId))
      .orderBy(asc(s.serviceLanguages.ordinal)),
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
    locations: places.map((p) => ({
      locationId: p.locationId,
      accessibility: p.accessibility as ServiceForm["locations"][number]["accessibility"],
      hours: hoursAt(p.locationId),
    })),
    areas: areas.map(areaKey),
    languages: languages.map((l) => l.code),
  };
  return { form, areas: areas.map((a) => ({ code: areaKey(a), name: a.name })), languages };
}

/** The places an organisation has, for the form's place pickers and the approval page's names. */
export async function organisationPlaces(db: Database, organisationId: string) {
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
