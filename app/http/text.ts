// Text that reaches FORT from outside (form fields, query parameters) is cleaned here, once, the same way everywhere.

// C0 control characters except tab, line feed and carriage return, and DEL. PostgreSQL refuses NUL in text, and the
// others have no business in a name, a message or a search; they are removed rather than refused, so that a pasted
// value with a stray control character still goes through.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "");
}

/** Query parameters: single-line values, so line breaks go too. */
export function cleanQueryValue(text: string): string {
  return stripControlCharacters(text).replace(/[\r\n\t]/g, " ");
}

// The dates FORT can store and compute with: a year a person might mean. JavaScript and PostgreSQL disagree about
// years 0 and 10000, so anything outside this window is refused (400) rather than sent to the database.
export const EARLIEST_YEAR = 1900;
export const LATEST_YEAR = 2999;

/** True for an ISO date or date-time (YYYY-MM-DD…) that exists and whose year is within FORT's window. */
export function isReasonableDate(value: string): boolean {
  const year = Number(value.slice(0, 4));
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || year < EARLIEST_YEAR || year > LATEST_YEAR) return false;
  return !Number.isNaN(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value));
}
