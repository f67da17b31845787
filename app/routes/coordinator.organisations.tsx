import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { ErrorSummary, TextAreaField, TextField, summariseErrors } from "~/components/forms";
import { Notice } from "~/components/Notice";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { organisationSchema } from "~/organisations/forms";
import { approveOrganisation, createOrganisation, listOrganisations } from "~/organisations/organisations.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireRole(request, "coordinator");
  return { organisations: await listOrganisations(me) };
}

const approveSchema = z.object({ intent: z.literal("approve"), organisationId: z.string().uuid(), contactName: z.string().trim().max(120).default("") });

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const me = await requireRole(request, "coordinator");
  const formData = await readForm(request);
  if (formData.get("intent") === "approve") {
    const parsed = approveSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return data({ notice: { ok: false, message: "That request was not understood." }, result: undefined }, { status: 400 });
    try {
      return data({ notice: await approveOrganisation(me, parsed.data.organisationId, parsed.data.contactName, clientIp(request)), result: undefined });
    } catch (error) {
      const refusal = refusalOf(error);
      return data({ notice: { ok: false, message: refusal.message }, result: undefined }, { status: refusal.status });
    }
  }
  const submission = parseWithZod(formData, { schema: organisationSchema });
  if (submission.status !== "success") return data({ notice: null, result: submission.reply() }, { status: 400 });
  try {
    await createOrganisation(me, submission.value, clientIp(request));
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ notice: null, result: submission.reply(replyErrorsOf(refusal)) }, { status: refusal.status });
  }
  return { notice: { ok: true, message: `${submission.value.name} has been added.` }, result: submission.reply({ resetForm: true }) };
}

const STATUS = { pending: "Waiting for approval", approved: "Approved", suspended: "Suspended" } as const;

export default function Organisations() {
  const { organisations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: organisationSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <h1>Organisations</h1>
      <Notice notice={actionData?.notice} />
      <table className="ds_table">
        <caption className="visually-hidden">Organisations on FORT, those waiting for approval first</caption>
        <thead>
          <tr>
            <th scope="col">Organisation</th>
            <th scope="col">Status</th>
            <th scope="col">Services</th>
            <th scope="col">Staff</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {organisations.map((o) => (
            <tr key={o.id}>
              <td>{o.name}</td>
              <td>{STATUS[o.status]}</td>
              <td>{o.services}</td>
              <td>{o.members}</td>
              <td>
                {o.status === "pending" && (
                  <Form method="post">
                    <input type="hidden" name="intent" value="approve" />
                    <input type="hidden" name="organisationId" value={o.id} />
                    <label className="ds_label" htmlFor={`contact-${o.id}`}>
                      Contact's name (they will be invited as admin at {o.email})
                    </label>
                    <input className="ds_input" id={`contact-${o.id}`} name="contactName" />
                    <button type="submit" className="ds_button ds_button--small">
                      Approve {o.name}
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Add an organisation</h2>
      <ErrorSummary errors={summariseErrors(form, fields)} />
      <Form method="post" {...getFormProps(form)}>
        <TextField meta={fields.name} label="Name" />
        <TextAreaField meta={fields.description} label="What the organisation does" />
        <TextField meta={fields.email} label="Contact email" type="email" />
        <TextField
          meta={fields.intakeEmail}
          label="Email for new referrals (optional)"
          hint="FORT tells this address when a referral arrives. No child's details are sent by email."
          type="email"
        />
        <TextField meta={fields.website} label="Website (optional)" type="url" />
        <TextField meta={fields.phone} label="Phone (optional)" type="tel" />
        <button type="submit" className="ds_button">
          Add organisation
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Organisations – FORT" }];
