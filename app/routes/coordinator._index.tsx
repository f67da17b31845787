import { redirect } from "@remix-run/node";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/auth/permissions.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  return redirect("/coordinator/approvals");
}
