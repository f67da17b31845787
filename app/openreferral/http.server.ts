// HTTP conventions of FORT's Open Referral API: open CORS, JSON errors with a sentence people can act
// on, ETags so clients and caches can revalidate cheaply.
import { createHash } from "node:crypto";
import { log } from "../log.server";
import { isDatabaseUnavailable } from "~/db.server";
import { readUrl } from "~/http/query.server";

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "ETag",
};

/** A request the API refuses, with a message meant for the developer calling it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An answer streamed as newline-delimited JSON (`format=ndjson`): every result, without pages. */
export class NdjsonBody {
  constructor(readonly records: AsyncGenerator<unknown>) {}
}

function ndjsonResponse(request: Request, body: NdjsonBody): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await body.records.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
    },
    async cancel() {
      await body.records.return(undefined);
    },
  });
  const headers = { ...CORS, "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": CACHE_CONTROL };
  return new Response(request.method === "HEAD" ? null : stream, { status: 200, headers });
}

export const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";

function etagMatches(header: string | null, etag: string) {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}

export function jsonResponse(request: Request, body: unknown): Response {
  const text = JSON.stringify(body);
  const etag = `"${createHash("sha1").update(text).digest("base64url")}"`;
  const headers = new Headers({ ...CORS, ETag: etag, "Cache-Control": CACHE_CONTROL });
  if (etagMatches(request.headers.get("If-None-Match"), etag)) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(request.method === "HEAD" ? null : text, { status: 200, headers });
}

export function errorResponse(status: number, message: string): Response {
  const error =
    status === 404
      ? "Not found"
      : status === 405
        ? "Method not allowed"
        : status === 503
          ? "Service unavailable"
          : status >= 500
            ? "Server error"
            : "Bad request";
  return new Response(JSON.stringify({ status, error, message }), {
    status,
    headers: { ...CORS, "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** Runs an endpoint: its JSON body with an ETag, or a JSON error. */
export async function runEndpoint(request: Request, endpoint: (url: URL) => Promise<unknown>): Promise<Response> {
  try {
    const body = await endpoint(readUrl(request));
    return body instanceof NdjsonBody ? ndjsonResponse(request, body) : jsonResponse(request, body);
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error.status, error.message);
    if (isDatabaseUnavailable(error)) return errorResponse(503, "FORT cannot reach its database at the moment. Please try again in a minute.");
    log.error({ err: error }, "Open Referral API request failed");
    return errorResponse(500, "Something went wrong on FORT's side. Please try again later.");
  }
}

/** CORS preflight, and a JSON 405 for anything but reading. */
export function preflightOrRefuse(request: Request): Response {
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        ...CORS,
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers") ?? "Accept, If-None-Match",
        "Access-Control-Max-Age": "86400",
        Allow: "GET, HEAD, OPTIONS",
      },
    });
  }
  const response = errorResponse(405, "This API is read-only: use GET.");
  response.headers.set("Allow", "GET, HEAD, OPTIONS");
  return response;
}
