import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { CapacityTag } from "~/components/ServiceTags";
import { formatDate } from "~/directory/format";
import { listManagedServices } from "~/directory/service-editing.server";
import { listManagedLocations } from "~/organisations/locations.server";
import { readQuery } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  const [services, locations] = await Promise.all([listManagedServices(user), listManagedLocations(user)]);
  const saved = readQuery(request).get("location") === "saved";
  return { services, locations, organisations: user.organisations, saved };
}

const PUBLICATION = { draft: "Draft", awaiting_approval: "Waiting for approval", published: "Published" } as const;

export default function MyServices() {
  const { services, locations, organisations, saved } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Your services</h1>
      {saved && (
        <div className="ds_notification-panel" role="status">
          <p className="ds_notification-panel__title">Location saved. It shows on FORT now.</p>
        </div>
      )}
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

      <h2>Your locations</h2>
      <p>
        <Link to="/provider/locations/new" className="ds_button ds_button--secondary">
          Add a location
        </Link>
      </p>
      <table className="ds_table">
        <caption className="visually-hidden">Your organisation's locations</caption>
        <thead>
          <tr>
            <th scope="col">Location</th>
            <th scope="col">Address</th>
            <th scope="col">Services there</th>
          </tr>
        </thead>
        <tbody>
          {locations.map((l) => (
            <tr key={l.id}>
              <td>
                <Link to={`/provider/locations/${l.id}`}>{l.name}</Link>
              </td>
              <td>
                {l.address1}, {l.postcode}
              </td>
              <td>{l.services}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Your services – FORT" }];
