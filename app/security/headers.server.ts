// Security headers (issue 12). Documents get the full set with a per-request CSP nonce; every response,
// whatever produced it, gets nosniff and (over HTTPS) HSTS.
import { randomBytes } from "node:crypto";
import { config, tileOrigin } from "../config.server";

/** A fresh nonce for one document's scripts. */
export function createNonce(): string {
  return randomBytes(18).toString("base64");
}

/**
 * The Content-Security-Policy of a document. Scripts run only from FORT's origin or with this response's
 * nonce (Remix's inline hydration and streaming scripts carry it), so a planted `<script>` or `javascript:`
 * link does nothing. Styles come from FORT's origin only: the pages use classes, never style attributes,
 * and Leaflet positions the map through the CSS object model, which CSP does not restrict.
 */
export function contentSecurityPolicy(nonce: string): string {
  const tiles = tileOrigin();
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: blob: ${tiles}`,
    "font-src 'self' data:",
    `connect-src 'self'${config().NODE_ENV === "development" ? " ws:" : ""}`,
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** Headers every response carries (documents, .data, resource routes, static files). */
export function applyCommonHeaders(headers: Headers | { setHeader(name: string, value: string): unknown }) {
  const set = (name: string, value: string) => ("set" in headers ? headers.set(name, value) : headers.setHeader(name, value));
  set("X-Content-Type-Options", "nosniff");
  const hsts = strictTransportSecurity();
  if (hsts) set("Strict-Transport-Security", hsts);
}

/** HSTS when FORT's public address is https (a plain-http local install must not be pinned to https). */
export function strictTransportSecurity(): string | null {
  return new URL(config().APP_URL).protocol === "https:" ? "max-age=31536000; includeSubDomains" : null;
}

/** Security headers for an HTML document. */
export function applyDocumentHeaders(headers: Headers, nonce: string) {
  applyCommonHeaders(headers);
  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce));
  // Pages show the signed-in person's name and, often, children's details: never keep a copy in any cache.
  headers.set("Cache-Control", "no-store");
  // A route may ask for a stricter policy (the family's tracking page: "no-referrer").
  if (!headers.has("Referrer-Policy")) headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)");
}

/** Security headers for a `.data` response (the same loader data as the page, fetched by the client). */
export function applyDataHeaders(headers: Headers) {
  applyCommonHeaders(headers);
  headers.set("Cache-Control", "no-store");
}
