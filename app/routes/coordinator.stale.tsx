import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { formatDate } from "~/directory/format";
import { staleServices } from "~/directory/freshness.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, "coordinator");
  return { services: await staleServices(me) };
}

export default function StaleRecords() {
  const { services } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Stale records</h1>
      <p>Published services nobody has checked for six months or more, oldest first. Their providers have been reminded by email.</p>
      {services.length === 0 ? (
        <p>Every published service has been checked in the last six months.</p>
      ) : (
        <table className="ds_table">
          <caption className="visually-hidden">Services not checked for six months or more</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Organisation</th>
              <th scope="col">Last checked</th>
              <th scope="col">Reminders sent</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/services/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.organisationName}</td>
                <td>{formatDate(s.lastCheckedOn)}</td>
                <td>{s.remindersSent}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Stale records – FORT" }];
