// Any table on the reports or gaps page as CSV, for the same filters.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/permissions.server";
import { clock } from "~/clock.server";
import { csvResponse, toCsv } from "~/reports/csv";
import { parseReportFilters } from "~/reports/filters";
import { gapAnalysis } from "~/reports/gaps.server";
import { gapTable } from "~/reports/gap-table";
import { REPORT_TABLE_NAMES, type ReportTableName, dashboard, reportTables } from "~/reports/reports.server";
import { readQuery } from "~/http/query.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const name = params.table ?? "";
  if (name !== "gaps" && !(REPORT_TABLE_NAMES as readonly string[]).includes(name)) {
    throw new Response(`There is no report table called "${name.slice(0, 40)}".`, { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  const parsed = parseReportFilters(readQuery(request), clock.now());
  if (!parsed.ok) {
    throw new Response(`The filters are not valid: ${Object.values(parsed.errors).join("; ")}.`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const f = parsed.filters;
  const table = name === "gaps" ? gapTable(await gapAnalysis(user, f)) : reportTables(await dashboard(user, f))[name as ReportTableName];
  const filename = `fort-${name}-${f.from}-to-${f.to}${f.ward ? `-${f.ward}` : ""}${f.need ? `-${f.need}` : ""}.csv`;
  return csvResponse(filename, toCsv(table));
}
