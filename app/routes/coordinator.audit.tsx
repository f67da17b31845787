import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { recentAuditEntries } from "~/audit/audit.server";
import { requireRole } from "~/auth/permissions.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  return { entries: await recentAuditEntries(300) };
}

export default function AuditLog() {
  const { entries } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Audit log</h1>
      <p>The latest 300 events: sign-ins, invitations, role changes, deactivations and approvals.</p>
      <table className="ds_table">
        <caption className="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">About</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString("en-GB")}</td>
              <td>{e.actorName ?? "—"}</td>
              <td>{e.action.replaceAll("_", " ")}</td>
              <td>{e.subjectType ? `${e.subjectType} ${e.subjectId?.slice(0, 8) ?? ""}` : ""}</td>
              <td>{e.ip ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Audit log – FORT" }];
