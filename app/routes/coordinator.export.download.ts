// Downloads the directory as an Open Referral feed (JSON, streamed) or its tabular CSV form (zip).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { exportFileName, exportJsonStream, exportTabularZip } from "~/openreferral/export.server";
import { readQuery } from "~/http/query.server";

const querySchema = z.object({
  format: z.enum(["json", "tabular"]).catch("json"),
  scope: z.enum(["public", "all"]).catch("public"),
});

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  const { format, scope } = querySchema.parse(Object.fromEntries(readQuery(request)));
  const headers = {
    "Content-Disposition": `attachment; filename="${exportFileName(format)}"`,
    "Cache-Control": "private, no-store",
  };
  if (format === "json") {
    return new Response(exportJsonStream(scope), { headers: { ...headers, "Content-Type": "application/json; charset=utf-8" } });
  }
  const zip = await exportTabularZip(scope);
  const body = zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
  return new Response(body, { headers: { ...headers, "Content-Type": "application/zip" } });
}
