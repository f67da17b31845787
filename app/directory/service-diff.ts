// What a proposed change to a service would change, field by field, for the coordinator's approval page and
// for applying only what the provider touched. Pure: shared by the server and the browser.
import { SERVICE_STATUS, type ServiceForm, type ServiceLocationForm } from "./service-form";
import { WEEKDAYS, formatAgeRange } from "./format";
import { CATEGORIES, SHANARRI } from "./taxonomy";

/** Names for the codes and ids a form holds, so a change reads "Lochee Hub, DD2 3AB" rather than an id. */
export interface DiffNames {
  locations: Record<string, string>;
  areas: Record<string, string>;
  languages: Record<string, string>;
}

export interface FieldChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

export type PlaceStatus = "unchanged" | "added" | "removed" | "changed";

export interface PlaceChange {
  locationId: string;
  name: string;
  status: PlaceStatus;
  before: { hours: string; accessibility: string } | null;
  after: { hours: string; accessibility: string } | null;
}

export interface ServiceDiff {
  fields: FieldChange[];
  places: PlaceChange[];
}

const yesNoList = (items: (string | false)[]) => items.filter(Boolean).join(", ");

/** The scalar and list fields of the form as text, in the order the form shows them. */
function describeFields(form: ServiceForm, names: DiffNames): { field: string; label: string; value: string }[] {
  const sortedNames = (codes: string[], lookup: Record<string, string>) =>
    codes
      .map((c) => lookup[c] ?? c)
      .sort((a, b) => a.localeCompare(b))
      .join(", ");
  return [
    { field: "name", label: "Name", value: form.name },
    { field: "summary", label: "Summary", value: form.summary },
    { field: "description", label: "Description", value: form.description },
    { field: "status", label: "Status", value: SERVICE_STATUS[form.status] },
    { field: "ages", label: "Ages", value: formatAgeRange(form.minAge, form.maxAge) },
    { field: "eligibilityCriteria", label: "Who can use it", value: form.eligibilityCriteria ?? "" },
    {
      field: "routes",
      label: "Referral routes",
      value: yesNoList([form.acceptsProfessionalReferrals && "Professionals", form.acceptsSelfReferrals && "Self-referral"]),
    },
    { field: "cost", label: "Cost", value: form.isFree ? "Free" : (form.costDescription ?? "") },
    { field: "phone", label: "Phone", value: form.phone ?? "" },
    { field: "email", label: "Email", value: form.email ?? "" },
    { field: "url", label: "Web page", value: form.url ?? "" },
    {
      field: "shanarri",
      label: "Wellbeing indicators",
      value: SHANARRI.filter((x) => form.shanarri.includes(x.code))
        .map((x) => x.name)
        .join(", "),
    },
    {
      field: "categories",
      label: "Kinds of support",
      value: CATEGORIES.filter((x) => form.categories.includes(x.code))
        .map((x) => x.name)
        .join(", "),
    },
    { field: "areas", label: "Areas served", value: sortedNames(form.areas, names.areas) },
    { field: "languages", label: "Languages", value: sortedNames(form.languages, names.languages) },
  ];
}

export function describeHours(hours: ServiceLocationForm["hours"]): string {
  const open = hours.map((h, i) => (h.opens && h.closes ? `${WEEKDAYS[i]} ${h.opens}–${h.closes}` : null)).filter(Boolean);
  return open.length ? open.join("; ") : "No hours given";
}

function describePlace(place: ServiceLocationForm) {
  return { hours: describeHours(place.hours), accessibility: [...place.accessibility].sort().join(", ") || "None listed" };
}

/** Every field that differs, old beside new, and every place with whether it is added, removed or changed. */
export function diffServiceForms(before: ServiceForm | null, after: ServiceForm, names: DiffNames): ServiceDiff {
  const afterFields = describeFields(after, names);
  const beforeFields = before ? describeFields(before, names) : null;
  const fields = afterFields
    .map((f, i) => ({ field: f.field, label: f.label, before: beforeFields?.[i]?.value ?? "", after: f.value }))
    .filter((f) => f.before !== f.after);

  const placeName = (id: string) => names.locations[id] ?? "A place no longer on FORT";
  const beforePlaces = new Map((before?.locations ?? []).map((p) => [p.locationId, p]));
  const afterPlaces = new Map(after.locations.map((p) => [p.locationId, p]));
  const places: PlaceChange[] = [];
  for (const [id, place] of afterPlaces) {
    const old = beforePlaces.get(id);
    const now = describePlace(place);
    const was = old ? describePlace(old) : null;
    const status: PlaceStatus = !was ? "added" : was.hours !== now.hours || was.accessibility !== now.accessibility ? "changed" : "unchanged";
    places.push({ locationId: id, name: placeName(id), status, before: was, after: now });
  }
  for (const [id, place] of beforePlaces) {
    if (!afterPlaces.has(id)) places.push({ locationId: id, name: placeName(id), status: "removed", before: describePlace(place), after: null });
  }
  return { fields, places };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join("\u0000") === [...b].sort().join("\u0000");
const sameHours = (a: ServiceLocationForm["hours"], b: ServiceLocationForm["hours"]) =>
  a.every((h, i) => (h.opens ?? "") === (b[i]?.opens ?? "") && (h.closes ?? "") === (b[i]?.closes ?? ""));

/** Which parts of the record a proposal touches, compared with the record it was made from. */
export function touchedParts(base: ServiceForm, proposed: ServiceForm) {
  const scalarKeys = [
    "name",
    "summary",
    "description",
    "minAge",
    "maxAge",
    "eligibilityCriteria",
    "acceptsProfessionalReferrals",
    "acceptsSelfReferrals",
    "status",
    "isFree",
    "costDescription",
    "url",
    "email",
    "phone",
  ] as const;
  const baseById = new Map(base.locations.map((p) => [p.locationId, p]));
  const proposedIds = proposed.locations.map((p) => p.locationId);
  return {
    scalars: scalarKeys.filter((k) => base[k] !== proposed[k]),
    taxonomy: !sameList(base.shanarri, proposed.shanarri) || !sameList(base.categories, proposed.categories),
    areas: !sameList(base.areas, proposed.areas),
    languages: base.languages.join("\u0000") !== proposed.languages.join("\u0000"),
    placesAdded: proposedIds.filter((id) => !baseById.has(id)),
    placesRemoved: base.locations.map((p) => p.locationId).filter((id) => !proposedIds.includes(id)),
    hours:
      proposed.locations.some((p) => !sameHours(p.hours, baseById.get(p.locationId)?.hours ?? [])) ||
      base.locations.some((p) => !proposedIds.includes(p.locationId)),
    accessibility: proposed.locations.filter((p) => {
      const old = baseById.get(p.locationId);
      return old ? !sameList(old.accessibility, p.accessibility) : false;
    }),
  };
}
