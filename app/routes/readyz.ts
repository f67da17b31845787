import { checkReadiness } from "~/health.server";

// Readiness for a load balancer: 200 only when this server should receive requests.
export async function loader() {
  const readiness = await checkReadiness();
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
