import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  return null;
}

const LINKS = [
  ["/coordinator/approvals", "Approvals"],
  ["/coordinator/organisations", "Organisations"],
  ["/coordinator/reports", "Reports"],
  ["/coordinator/gaps", "Gaps in provision"],
  ["/coordinator/stale", "Stale records"],
  ["/coordinator/synonyms", "Search synonyms"],
  ["/coordinator/holidays", "Holidays"],
  ["/coordinator/users", "People"],
  ["/coordinator/audit", "Audit log"],
  ["/coordinator/subject-access", "Subject access"],
  ["/coordinator/import", "Import"],
  ["/coordinator/export", "Export"],
] as const;

export default function CoordinatorLayout() {
  return (
    <>
      <nav aria-label="Coordinator" className="fort-subnav">
        <ul>
          {LINKS.map(([to, label]) => (
            <li key={to}>
              <NavLink to={to}>{label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
