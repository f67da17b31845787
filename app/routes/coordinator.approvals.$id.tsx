import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { Notice } from "~/components/Notice";
import { WEEKDAYS, formatAgeRange } from "~/directory/format";
import { decideRevision, revisionForReview } from "~/directory/service-editing.server";
import type { ServiceForm } from "~/directory/service-form";
import { isUuid } from "~/directory/services.server";
import { refusalOf } from "~/domain/refusal.server";
import { CATEGORIES, SHANARRI } from "~/directory/taxonomy";
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
  if (parsed.data.decision === "reject" && !parsed.data.note) return data({ ok: false, message: "Say what needs to change, so the provider can fix it." }, { status: 400 });
  try {
    await decideRevision(me, params.id, parsed.data.decision, parsed.data.note || null, clientIp(request));
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ ok: false, message: refusal.message }, { status: refusal.status });
  }
  throw redirect("/coordinator/approvals");
}

function describe(form: ServiceForm, locations: { id: string; name: string; postcode: string }[]): [string, string][] {
  const loc = locations.find((l) => l.id === form.locationId);
  return [
    ["Name", form.name],
    ["Summary", form.summary],
    ["Description", form.description],
    ["Ages", formatAgeRange(form.minAge, form.maxAge)],
    ["Who can use it", form.eligibilityCriteria ?? ""],
    ["Referral routes", [form.acceptsProfessionalReferrals && "Professionals", form.acceptsSelfReferrals && "Self-referral"].filter(Boolean).join(", ")],
    ["Status", form.status],
    ["Cost", form.isFree ? "Free" : form.costDescription ?? ""],
    ["Website", form.url ?? ""],
    ["Email", form.email ?? ""],
    ["Phone", form.phone ?? ""],
    ["Wellbeing indicators", SHANARRI.filter((x) => form.shanarri.includes(x.code)).map((x) => x.name).join(", ")],
    ["Kinds of support", CATEGORIES.filter((x) => form.categories.includes(x.code)).map((x) => x.name).join(", ")],
    ["Location", loc ? `${loc.name}, ${loc.postcode}` : ""],
    ["Opening hours", form.hours.map((h, i) => (h.opens && h.closes ? `${WEEKDAYS[i]} ${h.opens}–${h.closes}` : null)).filter(Boolean).join("; ")],
  ];
}

export default function ReviewChange() {
  const { revision, service, current, proposed, locations } = useLoaderData<typeof loader>();
  const notice = useActionData<typeof action>();
  const before = describe(current, locations);
  const after = describe(proposed, locations);
  const isNew = service.publication !== "published";
  return (
    <>
      <h1>{isNew ? `New service: ${proposed.name}` : `Change to ${service.name}`}</h1>
      <p>
        {service.organisationName}
        {revision.submittedBy ? `, sent by ${revision.submittedBy}` : ""}.
      </p>
      <Notice notice={notice} />
      <table className="ds_table">
        <caption>{isNew ? "The proposed service" : "What would change (changed rows are marked)"}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            {!isNew && <th scope="col">Now</th>}
            <th scope="col">{isNew ? "Proposed" : "Proposed"}</th>
          </tr>
        </thead>
        <tbody>
          {after.map(([label, value], i) => {
            const changed = !isNew && before[i]![1] !== value;
            return (
              <tr key={label}>
                <th scope="row">
                  {label}
                  {changed && <strong className="ds_tag ds_tag--orange fort-status">Changed</strong>}
                </th>
                {!isNew && <td>{before[i]![1]}</td>}
                <td>{value}</td>
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
          <textarea className="ds_input" id="note" name="note" rows={3} />
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

export const meta: MetaFunction = () => [{ title: "Review a change – FORT" }];
