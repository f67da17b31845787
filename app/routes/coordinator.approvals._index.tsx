import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { pendingServiceRevisions } from "~/directory/service-editing.server";
import { pendingOrganisations } from "~/organisations/organisations.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  const [revisions, organisations] = await Promise.all([pendingServiceRevisions(), pendingOrganisations()]);
  return { revisions, organisations };
}

const when = (d: string | Date) => new Date(d).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });

export default function Approvals() {
  const { revisions, organisations } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Waiting for approval</h1>
      <h2>Services ({revisions.length})</h2>
      {revisions.length === 0 ? (
        <p>No service changes are waiting.</p>
      ) : (
        <table className="ds_table">
          <caption className="visually-hidden">Service changes waiting for approval, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Organisation</th>
              <th scope="col">Kind</th>
              <th scope="col">Sent</th>
            </tr>
          </thead>
          <tbody>
            {revisions.map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/coordinator/approvals/${r.id}`}>{r.proposedName || r.serviceName}</Link>
                </td>
                <td>{r.organisationName}</td>
                <td>{r.isNew ? "New service" : "Change"}</td>
                <td>
                  {when(r.submittedAt)}
                  {r.submittedBy ? ` by ${r.submittedBy}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Organisations ({organisations.length})</h2>
      {organisations.length === 0 ? (
        <p>No organisations are waiting.</p>
      ) : (
        <ul>
          {organisations.map((o) => (
            <li key={o.id}>
              {o.name} (asked {when(o.createdAt)}) – <Link to="/coordinator/organisations">review on the organisations page</Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Approvals – FORT" }];
