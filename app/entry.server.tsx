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

// The server build is imported once by the server (server/index.mjs) before it listens, so start-up work happens
// here. The hook copies each request's socket address into a header the app trusts and sets the common headers.
installRemixServeHook();
await boot();

// What the server in server/ uses from the build: the app's one logger, request ids, readiness, shutdown.
export { log, requestIdFrom, withRequestId } from "./log.server";
export { beginDraining, endLiveStreams, shutdownApp } from "./lifecycle.server";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
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

/** Single-fetch `.data` responses carry the same personal data as the pages. */
export function handleDataRequest(response: Response) {
  try {
    applyDataHeaders(response.headers);
    return response;
  } catch {
    // Headers of a response made by fetch() are read-only: copy it.
    const copy = new Response(response.body, response);
    applyDataHeaders(copy.headers);
    return copy;
  }
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests (client went away) are not errors worth logging.
  if (request.signal.aborted) return;
  // A 4xx thrown on purpose (not found, forbidden) is an answer, not a fault.
  if (isRouteErrorResponse(error) && error.status < 500) return void log.debug({ status: error.status }, "request refused");
  log.error({ err: error }, "request failed");
}
