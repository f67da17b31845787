// What an import would change: FORT's own rows in the shape of a draft from a feed, and the differences between
// the two (docs/decisions/0007).
import type { Json, ServiceTree } from "./map";
import { type Capacity, type LocationDraft, type OrganisationDraft, type ServiceDraft, time } from "./records.server";

/**
 * Fills in what the feed did not say from FORT's current copy (contact emails and phones, languages),
 * so an update from a feed without them does not erase them.
 */
export function keepUnsaid(draft: ServiceDraft, current: ServiceTree | undefined) {
  for (const contact of draft.contacts) {
    const known = current?.contacts.find((c) => c.id === contact.id) ?? current?.contacts.find((c) => c.name === contact.name);
    if (contact.email === undefined) contact.email = known?.email ?? null;
    if (contact.phone === undefined) contact.phone = known?.phone ?? null;
  }
  draft.languages ??= current?.languages.map((l) => ({ code: l.code, name: l.name })) ?? [];
}

/** FORT's current copy of a service in the same shape, to compare with a draft. */
export function draftFromTree(tree: ServiceTree): Omit<ServiceDraft, "position" | "warnings" | "defaultSummary"> {
  const { service } = tree;
  return {
    id: service.id,
    lastModified: new Date(service.updatedAt),
    organisation: null,
    organisationId: service.organisationId,
    fields: {
      name: service.name,
      description: service.description,
      summary: service.summary,
      url: service.url,
      email: service.email,
      status: service.status,
      minAge: service.minAge,
      maxAge: service.maxAge,
      lastCheckedOn: service.lastCheckedOn,
      phone: service.phone,
      eligibilityCriteria: service.eligibilityCriteria,
      acceptsProfessionalReferrals: service.acceptsProfessionalReferrals,
      acceptsSelfReferrals: service.acceptsSelfReferrals,
      capacity: service.capacity as Capacity,
      typicalWaitWeeks: service.typicalWaitWeeks,
      isFree: service.isFree,
      costDescription: service.costDescription,
    },
    locations: tree.locations.map((l) => ({ serviceAtLocationId: l.serviceAtLocationId, location: l.location })),
    terms: tree.terms.map((t) => `${t.taxonomy}:${t.code}`).sort(),
    areas: tree.areas,
    contacts: tree.contacts,
    hours: tree.hours.map((h) => ({ ...h, opensAt: time(h.opensAt)!, closesAt: time(h.closesAt)! })),
    languages: tree.languages,
  };
}

const LABELS: Record<string, string> = {
  name: "name",
  description: "description",
  summary: "summary",
  url: "website",
  email: "email",
  status: "status",
  minAge: "minimum age",
  maxAge: "maximum age",
  lastCheckedOn: "date last checked",
  phone: "phone",
  eligibilityCriteria: "eligibility",
  acceptsProfessionalReferrals: "professional referrals",
  acceptsSelfReferrals: "self-referrals",
  capacity: "capacity",
  typicalWaitWeeks: "typical wait",
  isFree: "cost",
  costDescription: "cost",
  organisationId: "organisation",
  locations: "locations",
  terms: "SHANARRI indicators and categories",
  areas: "areas covered",
  contacts: "contacts",
  hours: "opening hours",
  languages: "languages",
};

const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Json)[k]]),
        )
      : v,
  );

/** What a draft would change in FORT's copy, in words ("name", "opening hours"…); empty when nothing. */
export function changedParts(draft: ServiceDraft, current: ReturnType<typeof draftFromTree>, organisationId: string): string[] {
  const changes = new Set<string>();
  for (const [key, value] of Object.entries(draft.fields)) {
    if (value === undefined) continue;
    if (stable(value) !== stable((current.fields as unknown as Json)[key] ?? null)) changes.add(LABELS[key] ?? key);
  }
  if (organisationId !== current.organisationId) changes.add(LABELS.organisationId!);
  const withoutIds = <T extends { id?: string }>(items: T[]) => items.map(({ id: _id, ...rest }) => stable(rest)).sort();
  const compare = (key: "areas" | "contacts" | "hours", a: { id?: string }[], b: { id?: string }[]) => {
    if (stable(withoutIds(a)) !== stable(withoutIds(b))) changes.add(LABELS[key]!);
  };
  compare("areas", draft.areas, current.areas);
  compare("contacts", draft.contacts, current.contacts);
  compare("hours", draft.hours, current.hours);
  if (stable((draft.languages ?? []).map((l) => l.code).sort()) !== stable((current.languages ?? []).map((l) => l.code).sort())) changes.add(LABELS.languages!);
  if (stable(draft.terms) !== stable(current.terms)) changes.add(LABELS.terms!);
  const locationIds = (l: ServiceDraft["locations"]) => l.map((x) => x.location.id).sort();
  if (stable(locationIds(draft.locations)) !== stable(locationIds(current.locations))) changes.add(LABELS.locations!);
  return [...changes];
}

export function locationChanged(draft: LocationDraft, current: LocationDraft): boolean {
  const { wardCode: _a, wardName: _b, ...d } = draft;
  const { wardCode: _c, wardName: _e, ...c } = current;
  return stable(d) !== stable(c) || (draft.wardCode !== null && draft.wardCode !== current.wardCode);
}

export function organisationChanged(draft: OrganisationDraft, current: OrganisationDraft): boolean {
  return (
    draft.name !== current.name ||
    draft.description !== current.description ||
    draft.email !== current.email ||
    draft.website !== current.website ||
    (draft.phone !== undefined && draft.phone !== current.phone) ||
    (draft.charityNumber !== undefined && draft.charityNumber !== current.charityNumber)
  );
}
