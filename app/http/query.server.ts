// The one way a loader reads its query string: values without control characters (PostgreSQL refuses NUL, and a
// search for "\u0000" is nobody's intent), so every parameter reaches domain code as plain text.
import { cleanQueryValue } from "./text";

export function readQuery(request: Request): URLSearchParams {
  const clean = new URLSearchParams();
  for (const [name, value] of new URL(request.url).searchParams) clean.append(cleanQueryValue(name), cleanQueryValue(value));
  return clean;
}

/** The request's URL with its query cleaned the same way, for code that takes a URL. */
export function readUrl(request: Request): URL {
  const url = new URL(request.url);
  url.search = readQuery(request).toString();
  return url;
}
