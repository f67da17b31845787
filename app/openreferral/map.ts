// FORT's directory records in the shape of Open Referral UK 3.0 (HSDS-UK 3.0). Pure functions: the
// database reads live in directory.server.ts. Optional fields without a value are left out, never
// null or "", as the ORUK compliance guidance asks.
import { CATEGORIES, SHANARRI } from "../directory/taxonomy";
import { childId, taxonomyId, taxonomyTermId } from "./ids";

export type Json = Record<string, unknown>;

export const ORUK_VERSION = "HSDS-UK-3.0";
export const ORUK_PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md";
export const ORUK_OPENAPI_URL = "https://openreferraluk.org/specifications/3.0/openapi.json";

/**
 * FORT fields the standard has no place for travel in one extension object, only in exports (never in
 * the public API), so a FORT → FORT round trip loses nothing and other readers can ignore it.
 */
export const FORT_EXTENSION = "x_fort";

/** Drops undefined, null, empty strings and empty arrays. */
export function compact<T extends Json>(record: T): T {
  const out: Json = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "string" && value.trim() === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out as T;
}

export const FORT_TAXONOMIES = [
  {
    code: "shanarri",
    name: "SHANARRI wellbeing indicators",
    description:
      "The eight wellbeing indicators of Getting It Right For Every Child (GIRFEC): Safe, Healthy, Achieving, Nurtured, Active, Respected, Responsible and Included. A service lists the indicators it supports.",
    uri: "https://www.gov.scot/policies/girfec/wellbeing-in-girfec/",
    terms: SHANARRI.map((t) => ({ code: t.code, name: t.name, description: t.description as string })),
  },
  {
    code: "category",
    name: "FORT support categories",
    description: "Kinds of family support offered by services in FORT, such as parenting support or young carers.",
    uri: undefined,
    terms: CATEGORIES.map((t) => ({ code: t.code, name: t.name, description: "" })),
  },
] as const;

export interface TermRow {
  taxonomy: string;
  code: string;
  name: string;
  description: string;
}

export function orukTaxonomyTerm(term: TermRow): Json {
  const taxonomy = FORT_TAXONOMIES.find((t) => t.code === term.taxonomy);
  return compact({
    id: taxonomyTermId(term.taxonomy, term.code),
    name: term.name,
    // Required by the schema; FORT's category terms have no separate description.
    description: term.description || term.name,
    taxonomy: taxonomy?.name ?? term.taxonomy,
    taxonomy_id: taxonomyId(term.taxonomy),
    term: term.code,
  });
}

export function orukTaxonomy(code: string, terms?: TermRow[]): Json {
  const taxonomy = FORT_TAXONOMIES.find((t) => t.code === code)!;
  return compact({
    id: taxonomyId(code),
    name: taxonomy.name,
    description: taxonomy.description,
    uri: taxonomy.uri,
    taxonomy_terms: terms?.map(orukTaxonomyTerm),
  });
}

export interface OrganisationRow {
  id: string;
  name: string;
  description: string;
  website: string | null;
  email: string | null;
  phone?: string | null;
  charityNumber?: string | null;
}

export function orukOrganization(org: OrganisationRow, { full = false, extensions = false } = {}): Json {
  const base: Json = {
    id: org.id,
    name: org.name,
    description: org.description,
    email: org.email,
    website: org.website,
  };
  if (full && org.charityNumber) {
    base.organization_identifiers = [
      {
        id: childId(org.id, "organization-identifier", "charity"),
        organization_id: org.id,
        // org-id.guide schemes: OSCR (Scotland), the Charity Commission (England and Wales), CCNI.
        identifier_scheme: /^SC\d+$/i.test(org.charityNumber) ? "GB-SC" : /^NI/i.test(org.charityNumber) ? "GB-NIC" : "GB-CHC",
        identifier_type: "Charity number",
        identifier: org.charityNumber,
      },
    ];
  }
  if (extensions) base[FORT_EXTENSION] = compact({ phone: org.phone });
  const out = compact(base);
  // description is required, so it stays even when empty.
  return { id: out.id, name: out.name, description: org.description, ...out };
}

export type ServiceStatus = "active" | "inactive" | "temporarily_closed";
const STATUS_TO_ORUK: Record<ServiceStatus, string> = { active: "active", inactive: "inactive", temporarily_closed: "temporarily closed" };

export interface ServiceRow {
  id: string;
  organisationId: string;
  name: string;
  summary: string;
  description: string;
  url: string | null;
  email: string | null;
  phone: string | null;
  status: ServiceStatus;
  publication: string;
  minAge: number | null;
  maxAge: number | null;
  eligibilityCriteria: string | null;
  acceptsProfessionalReferrals: boolean;
  acceptsSelfReferrals: boolean;
  capacity: string;
  typicalWaitWeeks: number | null;
  isFree: boolean;
  costDescription: string | null;
  lastCheckedOn: string;
  source: string | null;
  updatedAt: Date | string;
}

export function isoTimestamp(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** The one-to-one fields of a service, as in GET /services (with its organisation embedded). */
export function orukServiceSummary(service: ServiceRow, organisation: OrganisationRow | undefined): Json {
  return compact({
    id: service.id,
    organization_id: service.organisationId,
    name: service.name,
    description: service.description || service.summary,
    url: service.url,
    email: service.email,
    status: STATUS_TO_ORUK[service.status],
    fees: service.isFree ? undefined : service.costDescription,
    minimum_age: service.minAge,
    maximum_age: service.maxAge,
    assured_date: service.lastCheckedOn,
    last_modified: isoTimestamp(service.updatedAt),
    organization: organisation ? orukOrganization(organisation) : undefined,
  });
}

export interface LocationRow {
  id: string;
  name: string;
  description: string | null;
  address1: string;
  city: string;
  postcode: string;
  latitude: number;
  longitude: number;
  wardCode: string | null;
  wardName: string | null;
  accessibility: string[];
}

const NATIONS: Record<string, string> = { S: "Scotland", E: "England", W: "Wales", N: "Northern Ireland" };

export function orukLocation(location: LocationRow, { extensions = false } = {}): Json {
  return compact({
    id: location.id,
    location_type: "physical",
    name: location.name,
    description: location.description,
    latitude: location.latitude,
    longitude: location.longitude,
    addresses: [
      {
        id: childId(location.id, "address"),
        location_id: location.id,
        address_1: location.address1,
        city: location.city,
        // Required by the schema. FORT knows the nation from the ward's GSS code.
        state_province: NATIONS[location.wardCode?.charAt(0) ?? ""] ?? location.city,
        postal_code: location.postcode,
        country: "GB",
        address_type: "physical",
      },
    ],
    accessibility: location.accessibility.map((text, i) => ({
      id: childId(location.id, "accessibility", i),
      location_id: location.id,
      description: text,
      accessibility: text,
    })),
    [FORT_EXTENSION]: extensions ? compact({ ward_code: location.wardCode, ward_name: location.wardName }) : undefined,
  });
}

export interface ServiceTree {
  service: ServiceRow;
  organisation: OrganisationRow;
  locations: { serviceAtLocationId: string; location: LocationRow }[];
  terms: TermRow[];
  areas: { id: string; name: string; code: string | null }[];
  contacts: { id: string; name: string; title: string | null; email: string | null; phone: string | null }[];
  hours: { id: string; weekday: number; opensAt: string; closesAt: string; note: string | null }[];
  languages: { code: string; name: string }[];
}

const BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export const GSS_URI = "http://statistics.data.gov.uk/id/statistical-geography/";

/**
 * A fully nested service (GET /services/{id}). With `extensions`, fields HSDS 3.0 has but the UK profile
 * dropped (contact email and phones, language name and code) and FORT's own fields are added, for exports.
 */
export function orukService(tree: ServiceTree, { extensions = false } = {}): Json {
  const { service } = tree;
  const sid = service.id;
  const summary = orukServiceSummary(service, undefined);
  return compact({
    ...summary,
    schedules: tree.hours.map((h) =>
      compact({
        id: h.id,
        service_id: sid,
        freq: "WEEKLY",
        interval: 1,
        byday: BYDAY[h.weekday - 1],
        opens_at: h.opensAt,
        closes_at: h.closesAt,
        notes: h.note,
      }),
    ),
    service_areas: tree.areas.map((a) =>
      compact({ id: a.id, service_id: sid, name: a.name, service_area: a.name, uri: a.code ? `${GSS_URI}${a.code}` : undefined }),
    ),
    service_at_locations: tree.locations.map((l) => ({
      id: l.serviceAtLocationId,
      service_id: sid,
      location_id: l.location.id,
      location: orukLocation(l.location, { extensions }),
    })),
    languages: tree.languages.map((l) =>
      compact({ id: childId(sid, "language", l.code), service_id: sid, ...(extensions ? { name: l.name, code: l.code } : {}) }),
    ),
    organization: orukOrganization(tree.organisation, { full: true, extensions }),
    cost_options: service.isFree
      ? [{ id: childId(sid, "cost-option", "free"), service_id: sid, option: "Free", amount: 0 }]
      : service.costDescription
        ? undefined
        : [{ id: childId(sid, "cost-option", "charge"), service_id: sid, option: "There is a charge" }],
    contacts: tree.contacts.map((c) =>
      compact({
        id: c.id,
        service_id: sid,
        name: c.name,
        title: c.title,
        ...(extensions ? { email: c.email, phones: c.phone ? [{ id: childId(c.id, "phone"), contact_id: c.id, number: c.phone }] : undefined } : {}),
      }),
    ),
    attributes: tree.terms.map((t) => {
      const termId = taxonomyTermId(t.taxonomy, t.code);
      return { id: childId(sid, "attribute", termId), link_id: sid, taxonomy_term_id: termId, taxonomy_term: orukTaxonomyTerm(t) };
    }),
    [FORT_EXTENSION]: extensions
      ? compact({
          summary: service.summary,
          phone: service.phone,
          eligibility: service.eligibilityCriteria,
          accepts_professional_referrals: service.acceptsProfessionalReferrals,
          accepts_self_referrals: service.acceptsSelfReferrals,
          capacity: service.capacity,
          typical_wait_weeks: service.typicalWaitWeeks,
          is_free: service.isFree,
          cost_description: service.costDescription,
          source: service.source,
          publication: service.publication,
        })
      : undefined,
  });
}
