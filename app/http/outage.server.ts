// What a person sees while FORT's database is away (stopped, restarting, unreachable, full): a 503 page that says so
// and that nothing was sent, instead of a server error. Service resumes by itself: the driver reconnects on the
// next request once the database is back.
import { isDatabaseUnavailable } from "~/db.server";

export const OUTAGE_TITLE = "FORT cannot reach its database";
export const OUTAGE_MESSAGE =
  "FORT cannot reach its database at the moment, so nothing was sent or saved. Please wait a minute and try again. " +
  "Sending a referral again is safe: it will not be sent twice.";

const RETRY_AFTER_SECONDS = "10";

// Requests whose loader or action failed because the database was unavailable (marked by handleError, which sees
// the original error before Remix replaces it with a generic one).
const outageRequests = new WeakSet<Request>();

/** Records that this request failed because the database was unavailable; true if it did. */
export function noteDatabaseOutage(request: Request, error: unknown): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  outageRequests.add(request);
  return true;
}

export function hadDatabaseOutage(request: Request): boolean {
  return outageRequests.has(request);
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The 503 answer: an HTML page for people, JSON for programs that asked for it. */
export function databaseOutageResponse(request?: Request): Response {
  const headers = { "Retry-After": RETRY_AFTER_SECONDS, "Cache-Control": "no-store" };
  const accept = request?.headers.get("Accept") ?? "";
  if (accept.includes("application/json") && !accept.includes("text/html")) {
    return Response.json({ status: 503, error: "Service unavailable", message: OUTAGE_MESSAGE }, { status: 503, headers });
  }
  const page = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(OUTAGE_TITLE)} – FORT</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em; line-height: 1.5">
<h1>${escapeHtml(OUTAGE_TITLE)}</h1>
<p>${escapeHtml(OUTAGE_MESSAGE)}</p>
<p><a href="">Try again</a></p>
</body>
</html>`;
  return new Response(page, { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8" } });
}

/** For resource routes (which Remix answers without the document renderer): turns a database outage into the 503. */
export async function orDatabaseOutage<T>(request: Request, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw databaseOutageResponse(request);
    throw error;
  }
}
