// Does a service fit this child? Age on the day, area served, capacity and whether it takes referrals at all,
// with plain reasons, and other services that do fit.
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { getDb } from "../db.server";
import { formatAgeRange } from "../directory/format";
import { wardOfPostcode } from "../geo/postcodes.server";

// Services covering the whole council area carry the council's GSS code.
const WHOLE_AREA_CODES = new Set(["S12000042"]);

export function ageOn(dateOfBirth: string, on: Date): number {
  const dob = new Date(`${dateOfBirth}T00:00:00Z`);
  let age = on.getUTCFullYear() - dob.getUTCFullYear();
  const beforeBirthday = on.getUTCMonth() < dob.getUTCMonth() || (on.getUTCMonth() === dob.getUTCMonth() && on.getUTCDate() < dob.getUTCDate());
  if (beforeBirthday) age--;
  return age;
}

export interface ServiceFit {
  serviceId: string;
  name: string;
  organisationName: string;
  /** Reasons the referral cannot go to this service. */
  problems: string[];
  /** Things the referrer should know but that do not stop it (a waiting list). */
  warnings: string[];
}

interface Candidate {
  id: string;
  name: string;
  organisationName: string;
  status: "active" | "inactive" | "temporarily_closed";
  publication: "draft" | "awaiting_approval" | "published";
  minAge: number | null;
  maxAge: number | null;
  capacity: "accepting" | "waiting_list" | "not_accepting";
  typicalWaitWeeks: number | null;
  acceptsProfessionalReferrals: boolean;
  acceptsSelfReferrals: boolean;
  shanarri: string[];
  areas: { name: string; code: string | null }[];
}

async function candidates(ids?: string[]): Promise<Candidate[]> {
  const db = await getDb();
  const rows = await db
    .select({
      id: s.services.id,
      name: s.services.name,
      organisationName: s.organisations.name,
      status: s.services.status,
      publication: s.services.publication,
      minAge: s.services.minAge,
      maxAge: s.services.maxAge,
      capacity: s.services.capacity,
      typicalWaitWeeks: s.services.typicalWaitWeeks,
      acceptsProfessionalReferrals: s.services.acceptsProfessionalReferrals,
      acceptsSelfReferrals: s.services.acceptsSelfReferrals,
      shanarri: sql<string[]>`array(select tt.code from ${s.serviceTaxonomyTerms} stt join ${s.taxonomyTerms} tt on tt.id = stt.taxonomy_term_id
        where stt.service_id = ${s.services.id} and tt.taxonomy = 'shanarri')`,
      areas: sql<{ name: string; code: string | null }[]>`coalesce((select json_agg(json_build_object('name', sa.name, 'code', sa.code))
        from ${s.serviceAreas} sa where sa.service_id = ${s.services.id}), '[]'::json)`,
    })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(ids ? inArray(s.services.id, ids) : and(eq(s.services.publication, "published"), ne(s.services.status, "inactive")));
  return rows;
}

export interface ChildFacts {
  dateOfBirth?: string;
  ageYears?: number;
  postcode?: string;
  needCodes: string[];
}

function fit(service: Candidate, child: ChildFacts, on: Date, route: "professional" | "self"): ServiceFit {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (service.publication !== "published" || service.status === "inactive") problems.push("This service is not listed on FORT at the moment.");
  else if (service.status === "temporarily_closed") problems.push("This service is temporarily closed.");
  if (route === "professional" && !service.acceptsProfessionalReferrals) problems.push("This service does not take referrals from professionals.");
  if (route === "self" && !service.acceptsSelfReferrals) problems.push("This service does not take requests from families directly.");
  if (service.capacity === "not_accepting") problems.push("This service is not accepting referrals at the moment.");
  if (service.capacity === "waiting_list")
    warnings.push(
      service.typicalWaitWeeks ? `This service has a waiting list of about ${service.typicalWaitWeeks} weeks.` : "This service has a waiting list.",
    );

  const age = child.dateOfBirth ? ageOn(child.dateOfBirth, on) : child.ageYears;
  if (age !== undefined && ((service.minAge !== null && age < service.minAge) || (service.maxAge !== null && age > service.maxAge))) {
    problems.push(`The child is ${age} today; this service is for ages ${formatAgeRange(service.minAge, service.maxAge).toLowerCase()}.`);
  }
  if (child.postcode) {
    const ward = wardOfPostcode(child.postcode);
    const wholeArea = service.areas.some((a) => a.code && WHOLE_AREA_CODES.has(a.code));
    if (ward === null) {
      if (service.areas.length > 0)
        problems.push(`${child.postcode.toUpperCase()} is outside the areas this service covers (${service.areas.map((a) => a.name).join(", ")}).`);
    } else if (!wholeArea && service.areas.length > 0 && !service.areas.some((a) => a.name === ward)) {
      problems.push(`${child.postcode.toUpperCase()} is in ${ward}; this service covers ${service.areas.map((a) => a.name).join(", ")}.`);
    }
  }
  return { serviceId: service.id, name: service.name, organisationName: service.organisationName, problems, warnings };
}

/** Checks each chosen service; unknown ids are reported as such. */
export async function checkServices(serviceIds: string[], child: ChildFacts, on: Date, route: "professional" | "self" = "professional"): Promise<ServiceFit[]> {
  const found = await candidates(serviceIds);
  return serviceIds.map((id) => {
    const service = found.find((c) => c.id === id);
    if (!service) return { serviceId: id, name: "Unknown service", organisationName: "", problems: ["We could not find this service."], warnings: [] };
    return fit(service, child, on, route);
  });
}

/** Up to `limit` listed services that fit the child and support at least one of the needs, best matches first. */
export async function suggestServices(child: ChildFacts, on: Date, exclude: string[], limit = 3): Promise<ServiceFit[]> {
  const all = await candidates();
  return all
    .filter((c) => !exclude.includes(c.id) && c.shanarri.some((code) => child.needCodes.includes(code)))
    .map((c) => ({ c, f: fit(c, child, on, "professional") }))
    .filter(({ f }) => f.problems.length === 0)
    .sort((a, b) => {
      const score = (c: Candidate) => c.shanarri.filter((code) => child.needCodes.includes(code)).length * 2 + (c.capacity === "accepting" ? 1 : 0);
      return score(b.c) - score(a.c) || a.c.name.localeCompare(b.c.name);
    })
    .slice(0, limit)
    .map(({ f }) => f);
}

/** Services a referral can be sent or forwarded to, for pickers. */
export async function referableServices() {
  const db = await getDb();
  return db
    .select({ id: s.services.id, name: s.services.name, organisationName: s.organisations.name })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(and(eq(s.services.publication, "published"), eq(s.services.status, "active"), eq(s.services.acceptsProfessionalReferrals, true)))
    .orderBy(s.services.name);
}
