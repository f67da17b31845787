import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { boot } from "./boot.server";
import { databaseOutageResponse, hadDatabaseOutage, noteDatabaseOutage } from "./http/outage.server";
import { applySecurityHeaders } from "./security.server";

// The server build is imported once by remix-serve before it listens, so start-up work happens here.
await boot();

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
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        [bot ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          const stream = createReadableStreamFromReadable(body);
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          applySecurityHeaders(responseHeaders);
          resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // A database outage is expected operation, not a bug: one line, and never the query's parameters (personal data).
  if (noteDatabaseOutage(request, error)) {
    console.error(`[db] unavailable during ${request.method} ${new URL(request.url).pathname}: ${outageCode(error)}`);
    return;
  }
  // Aborted requests (client went away) are not errors worth logging.
  if (request.signal.aborted) return;
  console.error(error);
}

/** Data requests (client-side navigation and form posts) get the 503 status too. */
export function handleDataRequest(response: Response, { request }: { request: Request }) {
  if (!hadDatabaseOutage(request)) return response;
  return new Response(response.body, { status: 503, headers: response.headers });
}

function outageCode(error: unknown): string {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return "unknown";
}
