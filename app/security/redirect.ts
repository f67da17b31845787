// The one check for "where may FORT send someone next" (after sign-in, after a form).
// Only a path on FORT itself is accepted; anything a browser could read as another site falls back.

/**
 * Returns `to` when it is a plain same-site path ("/referrals?page=2"), otherwise `fallback`.
 * Browsers forgive a lot in URLs (they drop tabs and newlines, read "\" as "/", and "/\evil" or
 * "//evil" as another host), so the test is deliberately narrow: one leading "/", then printable
 * ASCII with no backslash, and resolving the path against a dummy origin must not change the origin.
 * Percent-encoded bytes are checked too, after decoding, so "/%2F/evil" and "/%09/evil" are refused.
 */
export function safeRedirect(to: string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !isSameSitePath(to)) return fallback;
  return to;
}

const BASE = "http://fort.invalid";

export function isSameSitePath(to: string): boolean {
  if (to.length === 0 || to.length > 2048) return false;
  if (!isPlainPath(to)) return false;
  let decoded = to;
  // Decode repeatedly (double encoding) and apply the same test to every form.
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return false;
    }
    if (next === decoded) break;
    if (!isHarmlessDecoded(next)) return false;
    decoded = next;
  }
  try {
    const resolved = new URL(to, BASE);
    return resolved.origin === BASE;
  } catch {
    return false;
  }
}

function isPlainPath(path: string): boolean {
  if (path[0] !== "/") return false;
  // "//host" and "/\host" are other sites to a browser.
  if (path[1] === "/" || path[1] === "\\") return false;
  // Backslashes anywhere, control characters (tab, CR, LF, NUL…), spaces and non-ASCII are never in our own links.
  return /^[\x21-\x7e]*$/.test(path) && !path.includes("\\");
}

/** A decoded form may hold spaces and letters (search terms) but none of the characters that change the host. */
function isHarmlessDecoded(path: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  return path[0] === "/" && path[1] !== "/" && path[1] !== "\\" && !/[\x00-\x1f\x7f\\]/.test(path);
}
