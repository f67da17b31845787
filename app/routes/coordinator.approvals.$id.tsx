import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { Notice } from "~/components/Notice";
import { decideRevision, revisionForReview } from "~/directory/service-editing.server";
import { isUuid } from "~/directory/services.server";
import { refusalOf } from "~/domain/refusal.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireRole(request, "coordinator");
  if (!isUuid(params.id)) throw new Response("That change could not be found.", { status: 404 });
  try {
    return await revisionForReview(me, params.id);
  } catch (error) {
    const refusal = refusalOf(error);
    throw new Response(refusal.message, { status: refusal.status });
  }
}

const decisionSchema = z.object({ decision: z.enum(["approve", "reject"]), note: z.string().trim().max(1000).optional() });

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const me = await requireRole(request, "coordinator");
  const parsed = decisionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success || !isUuid(params.id)) return data({ ok: false, message: "Choose approve or send back." }, { status: 400 });
  if (parsed.data.decision === "reject" && !parsed.data.note)
    return data({ ok: false, message: "Say what needs to change, so the provider can fix it." }, { status: 400 });
  try {
    await decideRevision(me, params.id, parsed.data.decision, parsed.data.note || null, clientIp(request));
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ ok: false, message: refusal.message }, { status: refusal.status });
  }
  throw redirect("/coordinator/approvals");
}

const PLACE_STATUS = { unchanged: ["Unchanged", "grey"], added: ["Added", "green"], removed: ["Removed", "red"], changed: ["Changed", "orange"] } as const;

export default function ReviewChange() {
  const { revision, service, isNew, fromImport, diff } = useLoaderData<typeof loader>();
  const notice = useActionData<typeof action>();
  const name = diff.fields.find((f) => f.field === "name")?.after ?? service.name;
  const placesChanged = diff.places.filter((p) => p.status !== "unchanged").length;
  return (
    <>
      <h1>{isNew ? `New service: ${name}` : `Change to ${service.name}`}</h1>
      <p>
        {service.organisationName}
        {revision.submittedBy ? `, sent by ${revision.submittedBy}` : ""}
        {fromImport ? ", from an Open Referral import. The published version stays on FORT until you approve this update" : ""}.
      </p>
      <Notice notice={notice} />
      {!isNew && (
        <p>
          {diff.fields.length === 0 && placesChanged === 0
            ? "Approving changes nothing but the date it was last checked."
            : `Approving changes ${diff.fields.length} ${diff.fields.length === 1 ? "detail" : "details"} and ${placesChanged} ${placesChanged === 1 ? "place" : "places"}; everything else stays as it is.`}
        </p>
      )}
      {diff.fields.length > 0 && (
        <table className="ds_table" id="changed-fields">
          <caption>{isNew ? "The proposed service" : "What would change"}</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              {!isNew && <th scope="col">Now</th>}
              <th scope="col">{isNew ? "Proposed" : "Would become"}</th>
            </tr>
          </thead>
          <tbody>
            {diff.fields.map((f) => (
              <tr key={f.field}>
                <th scope="row">{f.label}</th>
                {!isNew && (
                  <td>
                    <del className="fort-diff-old">{f.before || "(empty)"}</del>
                  </td>
                )}
                <td>
                  <ins className="fort-diff-new">{f.after || "(empty)"}</ins>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table className="ds_table" id="places">
        <caption>Places the service runs ({diff.places.length})</caption>
        <thead>
          <tr>
            <th scope="col">Place</th>
            <th scope="col">Change</th>
            {!isNew && <th scope="col">Now</th>}
            <th scope="col">{isNew ? "Proposed" : "Would become"}</th>
          </tr>
        </thead>
        <tbody>
          {diff.places.map((p) => {
            const [label, colour] = PLACE_STATUS[p.status];
            return (
              <tr key={p.locationId}>
                <th scope="row">{p.name}</th>
                <td>
                  <strong className={`ds_tag ds_tag--${colour}`}>{label}</strong>
                </td>
                {!isNew && <td>{p.before ? <PlaceDetails place={p.before} /> : "—"}</td>}
                <td>{p.after ? <PlaceDetails place={p.after} /> : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Form method="post">
        <div className="ds_question">
          <label className="ds_label" htmlFor="note">
            Note to the provider (needed when sending back)
          </label>
          <p className="ds_hint-text" id="note-hint">
            The provider sees it on their service page and in the email we send them.
          </p>
          <textarea className="ds_input" id="note" name="note" rows={3} aria-describedby="note-hint" />
        </div>
        <div className="ds_button-group">
          <button type="submit" name="decision" value="approve" className="ds_button">
            Approve and publish
          </button>
          <button type="submit" name="decision" value="reject" className="ds_button ds_button--secondary">
            Send back
          </button>
        </div>
      </Form>
      <p>
        <Link to="/coordinator/approvals">Back to the approval queue</Link>
      </p>
    </>
  );
}

function PlaceDetails({ place }: { place: { hours: string; accessibility: string } }) {
  return (
    <>
      <span className="fort-place-hours">Hours: {place.hours}</span>
      <br />
      <span>Accessibility: {place.accessibility}</span>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Review a change – FORT" }];
