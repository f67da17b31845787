import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { boot } from "./boot.server";
import { log } from "./log.server";
import { applyDataHeaders, applyDocumentHeaders, createNonce } from "./security/headers.server";
import { NonceContext } from "./security/nonce";
import { installRemixServeHook } from "./security/remix-serve-hook.server";
import { databaseOutageResponse, hadDatabaseOutage, noteDatabaseOutage } from "./http/outage.server";

// The server build is imported once by the server (server/index.mjs) before it listens, so start-up work happens
// here. The hook copies each request's socket address into a header the app trusts and sets the common headers.
installRemixServeHook();
await boot();

// What the server in server/ uses from the build: the app's one logger, request ids, readiness, shutdown.
export { log, requestIdFrom, withRequestId } from "./log.server";
export { beginDraining, endLiveStreams, shutdownApp } from "./lifecycle.server";
export { pageCache } from "./http/page-cache.server";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  // A loader or action failed because the database is away: say so plainly (503), instead of a server error.
  if (hadDatabaseOutage(request)) return databaseOutageResponse(request);
  const bot = isbot(request.headers.get("user-agent") || "");
  // One nonce per document: only scripts carrying it (Remix's own) may run inline (issue 12).
  const nonce = createNonce();
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          applyDocumentHeaders(responseHeaders, nonce);
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) log.error({ err: error }, "rendering failed after the page started");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // A database outage is expected operation, not a bug: one line, and never the query's parameters (personal data).
  if (noteDatabaseOutage(request, error)) {
    log.warn({ method: request.method, path: new URL(request.url).pathname, code: outageCode(error) }, "database unavailable");
    return;
  }
  // Aborted requests (client went away) are not errors worth logging.
  if (request.signal.aborted) return;
  // A 4xx thrown on purpose (not found, forbidden) is an answer, not a fault.
  if (isRouteErrorResponse(error) && error.status < 500) return void log.debug({ status: error.status }, "request refused");
  log.error({ err: error }, "request failed");
}

/**
 * Single-fetch `.data` responses carry the same personal data as the pages (their headers); during a database
 * outage they get the 503 status too.
 */
export function handleDataRequest(response: Response, { request }: { request: Request }) {
  // Headers of a response made by fetch() are read-only, and the status cannot change: answer with a copy.
  const copy = hadDatabaseOutage(request) ? new Response(response.body, { status: 503, headers: response.headers }) : new Response(response.body, response);
  applyDataHeaders(copy.headers);
  return copy;
}

function outageCode(error: unknown): string {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return "unknown";
}
