// The audit log as CSV, for the same filters as the page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parseAuditFilters } from "~/audit/audit-filters";
import { AUDIT_CSV_LIMIT, auditTrail, auditTrailCsv } from "~/audit/audit-trail.server";
import { requireRole } from "~/auth/permissions.server";
import { clock } from "~/clock.server";
import { csvResponse } from "~/reports/csv";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const parsed = parseAuditFilters(new URL(request.url).searchParams);
  if (!parsed.ok) {
    throw new Response(`The filters are not valid: ${Object.values(parsed.errors).join("; ")}.`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  const entries = await auditTrail(user, parsed.filters, AUDIT_CSV_LIMIT);
  return csvResponse(`fort-audit-${clock.now().toISOString().slice(0, 10)}.csv`, auditTrailCsv(entries));
}
