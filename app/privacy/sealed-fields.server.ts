// Which columns hold a child's or family's personal details, sealed one by one (app/privacy/crypto.server.ts).
// What reports, the gap map and retention query in SQL stays in the clear and identifies nobody: ward and postcode
// sector, age in years, need codes, states and dates.
import { open, openFields, seal, sealFields, subjectIndex } from "./crypto.server";

export const SEALED_REFERRAL_FIELDS = [
  "childName",
  "childDateOfBirth",
  "childPostcode",
  "childSchool",
  "parentName",
  "parentRelationship",
  "parentPhone",
  "parentEmail",
  "contactTimes",
  "tried",
  "familyWants",
  "accessibilityNeeds",
  "consentGivenBy",
  "consentLimits",
  "childViews",
] as const;

/** The same fields as SQL column names, for the re-encryption job. */
export const SEALED_REFERRAL_COLUMNS = [
  "child_name",
  "child_date_of_birth",
  "child_postcode",
  "child_school",
  "parent_name",
  "parent_relationship",
  "parent_phone",
  "parent_email",
  "contact_times",
  "tried",
  "family_wants",
  "accessibility_needs",
  "consent_given_by",
  "consent_limits",
  "child_views",
] as const;

/** Seals a referral's personal fields and adds the blind index of the child's name and date of birth. */
export function sealReferral<T extends { childName?: string; childDateOfBirth?: string | null }>(values: T): T & { subjectIndex: string | null } {
  const index = values.childName ? subjectIndex(values.childName, values.childDateOfBirth) : null;
  return { ...sealFields(values, SEALED_REFERRAL_FIELDS), subjectIndex: index };
}

/** The plain personal fields of a referral row read after the policy check. */
export function openReferral<T extends object>(row: T): T {
  return openFields(row, SEALED_REFERRAL_FIELDS);
}

// A draft keeps the form as typed; every text value is sealed (service ids and choices included: it costs nothing).
export function sealDraftValues(values: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" && v !== "" ? seal(v) : v]));
}

export function openDraftValues(values: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? open(v) : v]));
}
