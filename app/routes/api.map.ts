// The map's data: for a bounding box, zoom and the directory filters, the points or server-side clusters in view.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { mapQuerySchema, searchParamsToObject } from "~/directory/filters";
import { config } from "~/config.server";
import { cachedMapView } from "~/directory/map-cache.server";
import { orDatabaseOutage } from "~/http/outage.server";
import { readQuery } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = mapQuerySchema.safeParse(searchParamsToObject(readQuery(request)));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      field: String(issue.path[0] ?? ""),
      message: issue.code === "unrecognized_keys" ? `Unknown parameter${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}` : issue.message,
    }));
    return Response.json(
      { error: `The map query is not valid: ${issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")}.`, issues },
      { status: 400, headers: { "Cache-Control": "no-store" } },
    );
  }
  const { bbox, zoom, ...filters } = parsed.data;
  const view = await orDatabaseOutage(request, () => cachedMapView(filters, bbox, zoom));
  // Public, published data only: a short shared cache smooths bursts of identical map requests.
  const maxAge = config().MAP_CACHE_SECONDS;
  return Response.json(view, { headers: { "Cache-Control": maxAge > 0 ? `public, max-age=${maxAge}` : "no-cache" } });
}
