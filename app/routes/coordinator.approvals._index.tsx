import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { Notice } from "~/components/Notice";
import { decideImportedService, importedServicesAwaitingApproval, pendingServiceRevisions } from "~/directory/service-editing.server";
import { refusalOf } from "~/domain/refusal.server";
import { pendingOrganisations } from "~/organisations/organisations.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, "coordinator");
  const [revisions, imported, organisations] = await Promise.all([pendingServiceRevisions(me), importedServicesAwaitingApproval(me), pendingOrganisations(me)]);
  return { revisions, imported, organisations };
}

const importedDecisionSchema = z.object({ serviceId: z.string().uuid(), decision: z.enum(["approve", "reject"]) });

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const me = await requireRole(request, "coordinator");
  const parsed = importedDecisionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ ok: false, message: "That request was not understood. Reload the page and try again." }, { status: 400 });
  try {
    return data(await decideImportedService(me, parsed.data.serviceId, parsed.data.decision, clientIp(request)));
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ ok: false as const, message: refusal.message }, { status: refusal.status });
  }
}

const when = (d: string | Date) => new Date(d).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });

export default function Approvals() {
  const { revisions, imported, organisations } = useLoaderData<typeof loader>();
  const notice = useActionData<typeof action>();
  return (
    <>
      <h1>Waiting for approval</h1>
      <Notice notice={notice} />
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
                <td>{r.isNew ? "New service" : r.fromImport ? "Update from an Open Referral import" : "Change"}</td>
                <td>
                  {when(r.submittedAt)}
                  {r.submittedBy ? ` by ${r.submittedBy}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Imported services ({imported.length})</h2>
      {imported.length === 0 ? (
        <p>No imported services are waiting.</p>
      ) : (
        <table className="ds_table">
          <caption className="visually-hidden">Services brought in by an Open Referral import, waiting for approval</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Organisation</th>
              <th scope="col">Source</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {imported.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td>{s.organisationName}</td>
                <td>{s.source ?? ""}</td>
                <td>
                  <Form method="post" className="fort-inline-form">
                    <input type="hidden" name="serviceId" value={s.id} />
                    <button type="submit" name="decision" value="approve" className="ds_button ds_button--small" aria-label={`Publish ${s.name}`}>
                      Publish
                    </button>
                    <button
                      type="submit"
                      name="decision"
                      value="reject"
                      className="ds_button ds_button--small ds_button--secondary"
                      aria-label={`Keep ${s.name} as a draft`}
                    >
                      Keep as draft
                    </button>
                  </Form>
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
