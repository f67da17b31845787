// The subject-access copy as a file: JSON (everything, machine-readable) or CSV (the referrals). Each is audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/permissions.server";
import { exportSubjectRecords, subjectRecordsCsv } from "~/privacy/subject-access.server";
import { clock } from "~/clock.server";
import { clientIp } from "~/security/request.server";
import { parseSubjectQuery as parseQuery } from "~/privacy/subject-query";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const url = new URL(request.url);
  const { query } = parseQuery(url.searchParams);
  const format = url.searchParams.get("format");
  if (!query || (format !== "json" && format !== "csv")) return new Response("Search for the child first, then choose a download.", { status: 400 });
  const records = await exportSubjectRecords(user, query, clientIp(request, context));
  const body = format === "json" ? JSON.stringify({ exportedAt: clock.now().toISOString(), ...records }, null, 2) : subjectRecordsCsv(records);
  return new Response(body, {
    headers: {
      "Content-Type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="subject-access.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}
