// The public directory's list page, rendered once and served again to visitors who are not signed in (issue 14).
// Rendering the page (React, the root and index loaders, route matching) costs far more than answering it, and at
// country scale the same few addresses (`/`, a page of it, a common filter) are asked for again and again by people
// nobody has signed in. What such a visitor sees depends only on the address, the page's language and the
// directory's contents, so a rendered copy is kept per (language, address) and used while the directory's in-memory
// index is still at the generation the copy was rendered from (any change to a service, location, organisation or
// term starts a new generation on every server within moments; see map-snapshot.server.ts) and for at most
// PAGE_CACHE_SECONDS. Two things in a page differ per response and are put back on every use: the CSP nonce (a
// fresh one each time, in the header and the page) and the request id.
// Anyone with any other cookie (a session), `?lang=` (which sets a cookie), a non-GET request, or a response that is
// not a plain 200 page with no cookie goes through the app as before and is never stored.
import type { IncomingMessage, ServerResponse } from "node:http";
import { config } from "../config.server";
import { directoryGeneration } from "../directory/map-snapshot.server";
import { LANGUAGE_COOKIE, chooseLanguage, cookieValue } from "../i18n/languages";
import { log } from "../log.server";
import { contentSecurityPolicy, createNonce } from "../security/headers.server";

/** The addresses served from copies: the directory's list, with any query. */
const CACHED_PATHS = new Set(["/"]);
const MAX_ENTRIES = 200;
const MAX_PAGE_BYTES = 512 * 1024;
const NONCE_MARK = "\u0000fort-nonce\u0000";
const REQUEST_ID_MARK = "\u0000fort-request-id\u0000";

interface StoredPage {
  generation: number;
  storedAt: number;
  /** The page with the nonce and request id taken out (see the marks above). */
  parts: { text: string; hasNonce: boolean; hasRequestId: boolean };
  headers: [string, string | string[]][];
}

const pages = new Map<string, StoredPage>();
const stats = { hits: 0, misses: 0, stored: 0 };

export function pageCacheStats() {
  return { ...stats, entries: pages.size };
}

export function clearPageCache() {
  pages.clear();
}

type Request = IncomingMessage & { method?: string; originalUrl?: string; url?: string };
type Response = ServerResponse & { locals?: Record<string, unknown> };

/** The copy's key for this request, or null when it must go through the app. */
export function pageCacheKey(request: { method?: string; url?: string; headers: IncomingMessage["headers"] }): string | null {
  if (request.method !== "GET" || !request.url) return null;
  const url = new URL(request.url, "http://fort.invalid");
  if (!CACHED_PATHS.has(url.pathname) || url.searchParams.has("lang") || url.searchParams.has("_data")) return null;
  const cookieHeader = request.headers.cookie ?? null;
  if (cookieHeader) {
    const names = cookieHeader
      .split(";")
      .map((part) => part.trim().split("=")[0])
      .filter(Boolean);
    // Any cookie but the language's means a person the app may know (a session, even an ended one): no copy.
    if (names.some((name) => name !== LANGUAGE_COOKIE)) return null;
  }
  const acceptLanguage = request.headers["accept-language"];
  const lang = chooseLanguage(null, cookieValue(cookieHeader, LANGUAGE_COOKIE), typeof acceptLanguage === "string" ? acceptLanguage : null);
  return `${lang}\n${url.pathname}${url.search}`;
}

function seconds() {
  return config().PAGE_CACHE_SECONDS;
}

/**
 * Express-style middleware (server/index.mjs mounts it before the app): answers from a copy when it can, otherwise
 * lets the app answer and keeps a copy of what it sent when that is safe to reuse.
 */
export function pageCache(request: Request, response: Response, next: (error?: unknown) => void) {
  const ttl = seconds();
  const key = ttl > 0 ? pageCacheKey({ method: request.method, url: request.originalUrl ?? request.url, headers: request.headers }) : null;
  if (!key) return next();
  directoryGeneration().then(
    (generation) => {
      const stored = pages.get(key);
      if (stored && stored.generation === generation && Date.now() - stored.storedAt < ttl * 1000) {
        stats.hits++;
        // Most recently used last, so the oldest is the first to go when the cache is full.
        pages.delete(key);
        pages.set(key, stored);
        return sendCopy(stored, response);
      }
      stats.misses++;
      capture(response, (page) => {
        pages.delete(key);
        pages.set(key, { ...page, generation });
        while (pages.size > MAX_ENTRIES) pages.delete(pages.keys().next().value!);
        stats.stored++;
      });
      next();
    },
    // Without the index (the database away), the app answers as it would anyway.
    () => next(),
  );
}

function sendCopy(stored: StoredPage, response: Response) {
  const nonce = createNonce();
  const requestId = String(response.locals?.requestId ?? response.getHeader("X-Request-Id") ?? "");
  let text = stored.parts.text;
  if (stored.parts.hasNonce) text = text.split(NONCE_MARK).join(nonce);
  if (stored.parts.hasRequestId) text = text.split(REQUEST_ID_MARK).join(requestId);
  for (const [name, value] of stored.headers) response.setHeader(name, value);
  response.setHeader("Content-Security-Policy", contentSecurityPolicy(nonce));
  response.statusCode = 200;
  response.end(text);
}

/** Collects what the app writes; hands over a reusable copy once the response has finished well. */
function capture(response: Response, keep: (page: Omit<StoredPage, "generation">) => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  const write = response.write.bind(response) as (...args: unknown[]) => boolean;
  const end = response.end.bind(response) as (...args: unknown[]) => Response;
  const collect = (chunk: unknown, encoding?: unknown) => {
    if (tooBig || chunk === undefined || chunk === null || typeof chunk === "function") return;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    size += buffer.length;
    if (size > MAX_PAGE_BYTES) tooBig = true;
    else chunks.push(buffer);
  };
  response.write = ((chunk: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as Response["write"];
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as Response["end"];
  response.once("finish", () => {
    try {
      const copy = reusable(response, chunks, tooBig);
      if (copy) keep(copy);
    } catch (error) {
      log.warn({ err: error }, "page cache: a page could not be kept");
    }
  });
}

function reusable(response: Response, chunks: Buffer[], tooBig: boolean): Omit<StoredPage, "generation"> | null {
  if (tooBig || response.statusCode !== 200 || response.hasHeader("Set-Cookie")) return null;
  if (!String(response.getHeader("Content-Type") ?? "").startsWith("text/html")) return null;
  const nonce = /'nonce-([^']+)'/.exec(String(response.getHeader("Content-Security-Policy") ?? ""))?.[1];
  if (!nonce) return null;
  const requestId = String(response.locals?.requestId ?? response.getHeader("X-Request-Id") ?? "");
  let text = Buffer.concat(chunks).toString("utf8");
  const hasNonce = text.includes(nonce);
  if (hasNonce) text = text.split(nonce).join(NONCE_MARK);
  const hasRequestId = requestId.length >= 8 && text.includes(requestId);
  if (hasRequestId) text = text.split(requestId).join(REQUEST_ID_MARK);
  // Headers the copy is sent with; the nonce's policy, the request id and the body's framing are set per response.
  const skip = new Set(["content-security-policy", "x-request-id", "content-length", "content-encoding", "transfer-encoding", "connection", "date", "vary"]);
  const headers = Object.entries(response.getHeaders())
    .filter(([name, value]) => !skip.has(name.toLowerCase()) && value !== undefined)
    .map(([name, value]) => [name, Array.isArray(value) ? value : String(value)] as [string, string | string[]]);
  return { storedAt: Date.now(), parts: { text, hasNonce, hasRequestId }, headers };
}
