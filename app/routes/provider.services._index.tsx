import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { CapacityTag } from "~/components/ServiceTags";
import { formatDate } from "~/directory/format";
import { listManagedServices } from "~/directory/service-editing.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  return { services: await listManagedServices(user), organisations: user.organisations };
}

const PUBLICATION = { draft: "Draft", awaiting_approval: "Waiting for approval", published: "Published" } as const;

export default function MyServices() {
  const { services, organisations } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Your services</h1>
      <p>{organisations.map((o) => o.name).join(", ")}</p>
      <p>
        <Link to="/provider/services/new" className="ds_button">
          Add a service
        </Link>
        {organisations.some((o) => o.isAdmin) && (
          <Link to="/provider/organisation" className="ds_button ds_button--secondary">
            Manage your staff
          </Link>
        )}
      </p>
      <table className="ds_table">
        <caption className="visually-hidden">Your organisation's services</caption>
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">On FORT</th>
            <th scope="col">Capacity</th>
            <th scope="col">Last checked</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id}>
              <td>
                <Link to={`/provider/services/${s.id}`}>{s.name}</Link>
              </td>
              <td>
                {PUBLICATION[s.publication]}
                {s.pendingChange && s.publication === "published" ? " (changes waiting for approval)" : ""}
              </td>
              <td>
                <CapacityTag capacity={s.capacity} typicalWaitWeeks={s.typicalWaitWeeks} />
              </td>
              <td>{formatDate(s.lastCheckedOn)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Your services – FORT" }];
