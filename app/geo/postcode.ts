// The shape of a UK postcode, without any data: shared by the browser's forms and the server.

/** A full UK postcode, spaced or not, in capitals: outcode, then the sector digit and unit letters. */
export const UK_POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$/;

/** "dd4  6qd" → "DD4 6QD"; anything that is not a full postcode comes back trimmed and in capitals, as typed. */
export function tidyPostcode(value: string): string {
  const m = value.toUpperCase().replace(/\s+/g, " ").trim().match(UK_POSTCODE);
  return m ? `${m[1]} ${m[2]}` : value.trim().toUpperCase();
}

/** "dd4 6qd" → "DD4 6QD", a district "dd4" → "DD4"; null when it looks like neither. */
export function normalisePostcode(input: string): string | null {
  const compact = input.replace(/\s+/g, "").toUpperCase();
  const full = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/.exec(compact);
  if (full) return `${full[1]} ${full[2]}`;
  if (/^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact)) return compact;
  return null;
}

/** The postcode sector ("DD2 4") of a full postcode, or null when it is not one. */
export function sectorOfPostcode(postcode: string): string | null {
  const m = postcode.toUpperCase().replace(/\s+/g, "").match(UK_POSTCODE);
  return m ? `${m[1]} ${m[2]![0]}` : null;
}
