import { config } from "../config.server";

/**
 * Refuses a state-changing request that did not come from one of FORT's own pages (CSRF defence).
 * Every action calls this first; the route-manifest test checks that none forgets.
 */
export function requireSameOrigin(request: Request) {
  // OPTIONS is a CORS preflight: it changes nothing and carries no credentials.
  if (request.method === "GET" || request.method === "HEAD" || request.method === "OPTIONS") return;
  const origin = request.headers.get("Origin") ?? refererOrigin(request.headers.get("Referer"));
  const allowed = new Set([new URL(request.url).origin, new URL(config().APP_URL).origin]);
  if (!origin || !allowed.has(origin)) {
    throw new Response("This form was sent from another site, so FORT refused it. Go back to FORT and try again.", { status: 403 });
  }
}

function refererOrigin(referer: string | null) {
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return null;
  }
}

// The client's address lives in client-address.server.ts (issue 12); re-exported for the routes that import it from here.
export { clientIp } from "./client-address.server";
