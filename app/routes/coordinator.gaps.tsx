import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import type { FeatureCollection } from "geojson";
import { Suspense, lazy } from "react";
import leafletCss from "leaflet/dist/leaflet.css?url";
import { requireRole } from "~/auth/permissions.server";
import { clock } from "~/clock.server";
import { config } from "~/config.server";
import { SHANARRI } from "~/directory/taxonomy";
import { wardBoundaries } from "~/reports/areas.server";
import { DataTable } from "~/reports/charts";
import { ClientOnly } from "~/reports/ClientOnly";
import { filtersQuery, parseReportFilters } from "~/reports/filters";
import { gapTable } from "~/reports/gap-table";
import { GapLegend, GapSummary } from "~/reports/GapLegend";
import { gapAnalysis } from "~/reports/gaps.server";
import { readQuery } from "~/http/query.server";

const GapMap = lazy(() => import("~/reports/GapMap.client"));

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletCss }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const parsed = parseReportFilters(readQuery(request), clock.now());
  if (!parsed.ok) throw data(`The filters are not valid: ${Object.values(parsed.errors).join("; ")}.`, { status: 400 });
  const f = parsed.filters;
  const gaps = await gapAnalysis(user, f);
  const { MAP_TILE_URL, MAP_TILE_ATTRIBUTION } = config();
  return {
    filters: f,
    query: filtersQuery(f),
    gaps,
    table: gapTable(gaps),
    wards: wardBoundaries() as FeatureCollection,
    needs: SHANARRI.map((n) => ({ code: n.code, name: n.name })),
    tiles: { url: MAP_TILE_URL, attribution: MAP_TILE_ATTRIBUTION },
  };
}

export default function Gaps() {
  const { filters, query, gaps, table, wards, needs, tiles } = useLoaderData<typeof loader>();
  const needName = needs.find((n) => n.code === filters.need)?.name ?? null;
  return (
    <>
      <h1>Gaps in provision</h1>
      <p>
        Where referrals come from, by ward, against the services that cover each ward{needName ? ` and support ‘${needName}’` : ""}. Unmet demand counts
        referrals declined for lack of capacity and attempts for which no listed service fitted the child. To protect families, any count below {gaps.threshold}{" "}
        is shown as “fewer than {gaps.threshold}”.
      </p>
      <Form method="get" className="fort-inline-form" aria-label="Filter the gap analysis">
        <input type="hidden" name="from" value={filters.from} />
        <input type="hidden" name="to" value={filters.to} />
        <div className="ds_question">
          <label className="ds_label" htmlFor="gap-need">
            Wellbeing need
          </label>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="gap-need" name="need" defaultValue={filters.need ?? ""}>
              <option value="">All needs</option>
              {needs.map((n) => (
                <option key={n.code} value={n.code}>
                  {n.name}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </div>
        <button type="submit" className="ds_button">
          Show
        </button>
      </Form>
      <p>
        Referrals sent from {filters.from} to {filters.to}. <Link to={`/coordinator/reports?${query}`}>Change the dates on the reports page</Link>.
      </p>
      <div role="region" aria-label="Map of demand by ward (the table below has the same figures)">
        <ClientOnly fallback={<p className="ds_hint-text">The map appears here once the page has loaded. The table below has the same figures.</p>}>
          {() => (
            <Suspense fallback={<p className="ds_hint-text">Loading the map…</p>}>
              <GapMap wards={wards} rows={gaps.rows} threshold={gaps.threshold} needName={needName} tileUrl={tiles.url} attribution={tiles.attribution} />
            </Suspense>
          )}
        </ClientOnly>
        <GapLegend rows={gaps.rows} threshold={gaps.threshold} />
      </div>
      <GapSummary rows={gaps.rows} threshold={gaps.threshold} needName={needName} />
      <h2>{table.title}</h2>
      <DataTable table={table} id="gaps-table" />
      <p>
        <a href={`/coordinator/reports/export/gaps?${query}`} download>
          Download “{table.title}” as CSV
        </a>
      </p>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Gaps in provision – FORT" }];
