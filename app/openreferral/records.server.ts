// Turns Open Referral records (already checked against the schema) into FORT's directory shape, and
// FORT's own rows into the same shape, so an import can tell what would change.
import { SHANARRI } from "../directory/taxonomy";
import { webUrl } from "../security/urls";
import { childId, isUuid, taxonomyId, taxonomyTermId } from "./ids";
import { FORT_EXTENSION, type Json } from "./map";
import { lookUpPostcode } from "../geo/postcodes.server";

export interface OrganisationDraft {
  id: string;
  name: string;
  description: string;
  email: string | null;
  website: string | null;
  phone?: string | null;
  charityNumber?: string | null;
}

export interface LocationDraft {
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

export type Capacity = "accepting" | "waiting_list" | "not_accepting";

/** Service fields; undefined means "the feed does not say", so an update keeps FORT's value. */
export interface ServiceFields {
  name: string;
  description: string;
  summary?: string;
  url: string | null;
  email: string | null;
  status: "active" | "inactive" | "temporarily_closed";
  minAge: number | null;
  maxAge: number | null;
  lastCheckedOn?: string;
  phone?: string | null;
  eligibilityCriteria?: string | null;
  acceptsProfessionalReferrals?: boolean;
  acceptsSelfReferrals?: boolean;
  capacity?: Capacity;
  typicalWaitWeeks?: number | null;
  isFree?: boolean;
  costDescription?: string | null;
}

export interface ServiceDraft {
  id: string;
  position: string;
  lastModified: Date | null;
  organisation: OrganisationDraft | null;
  organisationId: string | null;
  fields: ServiceFields;
  locations: { serviceAtLocationId: string; location: LocationDraft }[];
  /** "taxonomy:code" of FORT terms. */
  terms: string[];
  areas: { id: string; name: string; code: string | null }[];
  /** Email and phone are undefined when the feed does not carry them (the UK profile has neither). */
  contacts: { id: string; name: string; title: string | null; email?: string | null; phone?: string | null }[];
  hours: { id: string; weekday: number; opensAt: string; closesAt: string; note: string | null }[];
  /** Undefined when the feed names no languages (ORUK language records carry only an id). */
  languages: { code: string; name: string }[] | undefined;
  /** The summary a new service gets when the feed has none: the description's first sentence. */
  defaultSummary: string;
  warnings: string[];
}

export interface FortTerm {
  taxonomy: string;
  code: string;
  name: string;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
const ext = (record: Json): Json => (record[FORT_EXTENSION] && typeof record[FORT_EXTENSION] === "object" ? (record[FORT_EXTENSION] as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === "object") : []);

export function organisationDraft(record: Json): OrganisationDraft {
  const identifiers = list(record.organization_identifiers);
  const charity = identifiers.find((i) => /charity/i.test(String(i.identifier_type ?? "")) || /^GB-(SC|CHC|NIC)$/.test(String(i.identifier_scheme ?? "")));
  const draft: OrganisationDraft = {
    id: String(record.id),
    name: String(record.name).trim(),
    description: text(record.description) ?? "",
    email: text(record.email),
    // Only http(s) websites come in (issue 12): a javascript: or data: "website" is left out.
    website: webUrl(text(record.website) ?? text(record.uri)),
  };
  if (charity) draft.charityNumber = String(charity.identifier);
  const phone = text(ext(record).phone);
  if (phone) draft.phone = phone;
  return draft;
}

function firstSentence(description: string): string {
  const match = /^(.{20,240}?[.!?])(\s|$)/s.exec(description.trim());
  const sentence = match ? match[1]! : description.trim();
  return sentence.length > 240 ? `${sentence.slice(0, 237).trimEnd()}…` : sentence;
}

const STATUS: Record<string, ServiceFields["status"]> = {
  active: "active",
  inactive: "inactive",
  defunct: "inactive",
  "temporarily closed": "temporarily_closed",
};

function age(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? Math.max(0, Math.min(130, Math.round(value))) : null;
}

export function time(value: unknown): string | null {
  const match = typeof value === "string" ? /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(value.trim()) : null;
  if (!match) return null;
  const [h, m, s] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (h > 24 || m > 59 || s > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

const DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/**
 * A copy of a string that does not share memory with the text it was cut from. Strings from the JSON
 * parser can be slices of a whole 64 KB chunk of the file; keeping one id in a set would keep its chunk.
 */
export function detached(value: string): string {
  return Buffer.from(value, "utf8").toString("utf8");
}

/** Picks one id per nested record: the feed's own when it is a UUID not used yet in this import. */
export class IdAllocator {
  private readonly used = new Set<string>();
  take(candidate: unknown, fallback: () => string): string {
    const id = isUuid(candidate) && !this.used.has(candidate.toLowerCase()) ? candidate.toLowerCase() : fallback();
    this.used.add(detached(id));
    return id;
  }
}

function locationDraft(record: Json, warnings: string[]): LocationDraft | null {
  const label = text(record.name) ?? String(record.id);
  if (record.location_type === "virtual") {
    warnings.push(`Location “${label}” is virtual; FORT lists only places people can visit, so it was left out.`);
    return null;
  }
  const addresses = list(record.addresses);
  const address = addresses.find((a) => a.address_type === "physical") ?? addresses[0];
  const postcode = text(address?.postal_code);
  const address1 = text(address?.address_1);
  const city = text(address?.city);
  if (!address1 || !city || !postcode) {
    warnings.push(`Location “${label}” has no street address, town and postcode, so FORT cannot show it and left it out.`);
    return null;
  }
  const known = lookUpPostcode(postcode);
  let latitude = typeof record.latitude === "number" ? record.latitude : NaN;
  let longitude = typeof record.longitude === "number" ? record.longitude : NaN;
  if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
    if (!known) {
      warnings.push(
        `Location “${label}” has no usable position (latitude ${String(record.latitude ?? "missing")}, longitude ${String(record.longitude ?? "missing")}) and FORT does not know its postcode “${postcode}”, so it was left out.`,
      );
      return null;
    }
    warnings.push(
      `Location “${label}” has no usable position, so FORT placed it at the centre of ${known.approximate ? "postcode district" : "postcode"} ${known.postcode}.`,
    );
    latitude = known.latitude;
    longitude = known.longitude;
  }
  const extension = ext(record);
  return {
    id: String(record.id).toLowerCase(),
    name: text(record.name) ?? address1,
    description: text(record.description),
    address1,
    city,
    postcode: known && !known.approximate ? known.postcode : postcode,
    latitude,
    longitude,
    wardCode: text(extension.ward_code),
    wardName: text(extension.ward_name) ?? known?.wardName ?? null,
    accessibility: list(record.accessibility)
      .map((a) => text(a.description) ?? text(a.accessibility) ?? text(a.details))
      .filter((a): a is string => a !== null),
  };
}

/** Maps a term of another directory's taxonomy to one of FORT's, when it is the same term. */
// FORT's terms by their published id, per list of terms: asked once per attribute of every imported service.
const termsByPublishedId = new WeakMap<FortTerm[], Map<unknown, FortTerm>>();

export function matchTerm(term: Json | undefined, termId: unknown, fortTerms: FortTerm[]): FortTerm | null {
  let published = termsByPublishedId.get(fortTerms);
  if (!published) {
    published = new Map([...fortTerms].reverse().map((t) => [taxonomyTermId(t.taxonomy, t.code), t]));
    termsByPublishedId.set(fortTerms, published);
  }
  const id = term?.id ?? termId;
  const byId = published.get(id);
  if (byId || !term) return byId ?? null;
  const taxonomyLabel = `${String(term.taxonomy ?? "")} ${String(term.taxonomy_id ?? "")}`;
  const taxonomy =
    term.taxonomy_id === taxonomyId("shanarri") || /shanarri|wellbeing indicator/i.test(taxonomyLabel)
      ? "shanarri"
      : term.taxonomy_id === taxonomyId("category") || /fort support categor/i.test(taxonomyLabel)
        ? "category"
        : null;
  const candidates = [term.term, term.code, term.name]
    .map((v) =>
      String(v ?? "")
        .trim()
        .toLowerCase(),
    )
    .filter(Boolean);
  const inTaxonomy = fortTerms.filter((t) => (taxonomy ? t.taxonomy === taxonomy : t.taxonomy === "shanarri"));
  // Without a named taxonomy only the SHANARRI names are unambiguous enough to match.
  if (!taxonomy && !SHANARRI.some((s) => candidates.includes(s.name.toLowerCase()))) return null;
  return inTaxonomy.find((t) => candidates.includes(t.code) || candidates.includes(t.name.toLowerCase())) ?? null;
}

export function termLabel(term: Json | undefined, termId: unknown): string {
  if (!term) return String(termId ?? "unknown term");
  return `${String(term.name ?? term.term ?? term.id)}${term.taxonomy ? ` (${String(term.taxonomy)})` : ""}`;
}

/**
 * A service record as FORT would store it. `unmappedTerms` collects terms FORT has no equivalent for;
 * `ids` keeps nested ids unique across the whole import.
 */
export function serviceDraft(
  record: Json,
  position: string,
  context: { organisation: Json | null; fortTerms: FortTerm[]; unmappedTerms: Set<string>; ids: IdAllocator },
): ServiceDraft {
  const id = String(record.id).toLowerCase();
  const warnings: string[] = [];
  const extension = ext(record);
  const embedded = record.organization && typeof record.organization === "object" ? (record.organization as Json) : context.organisation;
  const description = text(record.description) ?? "";
  if (text(record.url) && !webUrl(text(record.url))) warnings.push("Its url was left out: only web addresses starting with http:// or https:// are accepted.");

  const fields: ServiceFields = {
    name: String(record.name).trim(),
    description,
    summary: text(extension.summary) ?? undefined,
    url: webUrl(text(record.url)),
    email: text(record.email),
    status: STATUS[String(record.status)] ?? "active",
    minAge: age(record.minimum_age),
    maxAge: age(record.maximum_age),
  };
  if (typeof record.assured_date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(record.assured_date)) fields.lastCheckedOn = record.assured_date;
  if (FORT_EXTENSION in record) {
    fields.phone = text(extension.phone);
    fields.eligibilityCriteria = text(extension.eligibility);
    if (typeof extension.accepts_professional_referrals === "boolean") fields.acceptsProfessionalReferrals = extension.accepts_professional_referrals;
    if (typeof extension.accepts_self_referrals === "boolean") fields.acceptsSelfReferrals = extension.accepts_self_referrals;
    if (["accepting", "waiting_list", "not_accepting"].includes(String(extension.capacity))) fields.capacity = extension.capacity as Capacity;
    fields.typicalWaitWeeks = typeof extension.typical_wait_weeks === "number" ? Math.round(extension.typical_wait_weeks) : null;
  } else if (text(record.eligibility_description)) {
    fields.eligibilityCriteria = text(record.eligibility_description);
  }
  const costs = list(record.cost_options);
  const fees = text(record.fees);
  // Only a plain "free" counts as free: "Free with a referral, £40 otherwise" describes a charge.
  const saysFree = (text: unknown) => /^\s*(free|free of charge|no charge|none)\.?\s*$/i.test(String(text ?? ""));
  const isFreeOption = (c: Json) => c.amount === 0 || saysFree(c.option);
  const charged =
    costs.some((c) => (typeof c.amount === "number" && c.amount > 0) || (c.amount === undefined && !isFreeOption(c))) || (fees !== null && !saysFree(fees));
  const free = !charged && (costs.some(isFreeOption) || saysFree(fees));
  if (FORT_EXTENSION in record && typeof extension.is_free === "boolean") {
    fields.isFree = extension.is_free;
    fields.costDescription = text(extension.cost_description);
  } else if (charged || free) {
    fields.isFree = free;
    // A free service's cost note is not in the standard's fields, so FORT keeps its own.
    if (charged) fields.costDescription = fees ?? text(costs.find((c) => typeof c.amount === "number" && c.amount > 0)?.amount_description);
  }
  if (fields.minAge !== null && fields.maxAge !== null && fields.minAge > fields.maxAge) {
    warnings.push(`The minimum age (${fields.minAge}) is above the maximum age (${fields.maxAge}), so FORT left the ages out.`);
    fields.minAge = null;
    fields.maxAge = null;
  }

  const locations: ServiceDraft["locations"] = [];
  const seenLocations = new Set<string>();
  for (const sal of list(record.service_at_locations)) {
    const location = sal.location && typeof sal.location === "object" ? (sal.location as Json) : null;
    if (!location) {
      warnings.push(`A service_at_location (${String(sal.id)}) has no location details, so it was left out.`);
      continue;
    }
    const draft = locationDraft(location, warnings);
    if (!draft || seenLocations.has(draft.id)) continue;
    seenLocations.add(draft.id);
    locations.push({ serviceAtLocationId: context.ids.take(sal.id, () => childId(id, "service-at-location", draft.id)), location: draft });
  }

  const terms = new Set<string>();
  for (const attribute of list(record.attributes)) {
    const term = attribute.taxonomy_term && typeof attribute.taxonomy_term === "object" ? (attribute.taxonomy_term as Json) : undefined;
    const match = matchTerm(term, attribute.taxonomy_term_id, context.fortTerms);
    if (match) terms.add(`${match.taxonomy}:${match.code}`);
    else if (context.unmappedTerms.size < 20) context.unmappedTerms.add(termLabel(term, attribute.taxonomy_term_id));
  }

  const areas: ServiceDraft["areas"] = [];
  for (const [i, area] of list(record.service_areas).entries()) {
    const name = text(area.name) ?? text(area.service_area) ?? text(area.description);
    if (!name) continue;
    const code = /([ENSW]\d{8}|N\d{8})$/.exec(`${String(area.uri ?? "")}`)?.[1] ?? null;
    areas.push({ id: context.ids.take(area.id, () => childId(id, "service-area", i)), name, code });
  }

  const contacts: ServiceDraft["contacts"] = list(record.contacts).map((c, i) => ({
    id: context.ids.take(c.id, () => childId(id, "contact", i)),
    name: text(c.name) ?? text(c.title) ?? "Contact",
    title: text(c.name) ? text(c.title) : null,
    email: "email" in c ? text(c.email) : undefined,
    phone: "phones" in c ? text(list(c.phones)[0]?.number) : undefined,
  }));

  const hours: ServiceDraft["hours"] = [];
  for (const [i, schedule] of list(record.schedules).entries()) {
    const opensAt = time(schedule.opens_at);
    const closesAt = time(schedule.closes_at);
    const days = String(schedule.byday ?? "")
      .split(",")
      .map(
        (d) =>
          DAYS.indexOf(
            d
              .trim()
              .replace(/^[+-]?\d+/, "")
              .toUpperCase(),
          ) + 1,
      )
      .filter((d) => d > 0);
    if (!opensAt || !closesAt || days.length === 0 || (schedule.freq && schedule.freq !== "WEEKLY")) {
      warnings.push(`A schedule (${text(schedule.description) ?? String(schedule.id)}) is not a weekly opening time FORT can show, so it was left out.`);
      continue;
    }
    for (const day of days) {
      hours.push({
        id: context.ids.take(days.length === 1 ? schedule.id : undefined, () => childId(String(schedule.id ?? `${id}:${i}`), "schedule-day", day)),
        weekday: day,
        opensAt,
        closesAt,
        note: text(schedule.notes),
      });
    }
  }

  const languages: ServiceDraft["languages"] = [];
  for (const language of list(record.languages)) {
    const name = text(language.name);
    const code = text(language.code)?.toLowerCase() ?? name?.toLowerCase() ?? null;
    if (!code || languages.some((l) => l.code === code)) continue;
    languages.push({ code, name: name ?? code });
  }
  const languagesSaid = languages.length > 0 || (Array.isArray(record.languages) && record.languages.length === 0);

  const lastModified = typeof record.last_modified === "string" && !Number.isNaN(Date.parse(record.last_modified)) ? new Date(record.last_modified) : null;
  return {
    id,
    position,
    lastModified,
    organisation: embedded && embedded.id && embedded.name ? organisationDraft(embedded) : null,
    organisationId: text(record.organization_id)?.toLowerCase() ?? (embedded?.id ? String(embedded.id).toLowerCase() : null),
    fields,
    locations,
    terms: [...terms].sort(),
    areas,
    contacts,
    hours,
    languages: languagesSaid ? languages : undefined,
    defaultSummary: firstSentence(description),
    warnings,
  };
}
