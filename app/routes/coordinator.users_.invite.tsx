import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { CheckboxField, ErrorSummary, SelectField, TextField, summariseErrors } from "~/components/forms";
import { listApprovedOrganisations } from "~/organisations/organisations.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { inviteSchema } from "~/users/forms";
import { inviteUser } from "~/users/invitations.server";
import { listTeams } from "~/users/users.server";
import { readForm } from "~/http/form.server";
import { unknownReference } from "~/http/db-errors.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  const [organisations, teams] = await Promise.all([listApprovedOrganisations(), listTeams()]);
  return { organisations, teams };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const me = await requireRole(request, "coordinator");
  const submission = parseWithZod(await readForm(request), { schema: inviteSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  let result: Awaited<ReturnType<typeof inviteUser>>;
  try {
    result = await inviteUser(me, submission.value, clientIp(request));
  } catch (error) {
    // A team or organisation that does not exist (removed meanwhile, or a tampered form).
    const unknown = unknownReference(error);
    if (!unknown) throw error;
    return data(
      unknown.field ? submission.reply({ fieldErrors: { [unknown.field]: [unknown.message] } }) : submission.reply({ formErrors: [unknown.message] }),
      { status: 400 },
    );
  }
  if (!result.ok) {
    return data(
      result.field === "form" ? submission.reply({ formErrors: [result.message] }) : submission.reply({ fieldErrors: { [result.field]: [result.message] } }),
      { status: 400 },
    );
  }
  throw redirect(`/coordinator/users?invited=${encodeURIComponent(submission.value.email)}`);
}

export default function InvitePerson() {
  const { organisations, teams } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult, onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema }), shouldRevalidate: "onInput" });
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <h1>Invite someone to FORT</h1>
        <p>They will get an email with a link to choose their password. The link works once, for 7 days.</p>
        <ErrorSummary errors={summariseErrors(form, fields)} />
        <Form method="post" {...getFormProps(form)}>
          <TextField meta={fields.name} label="Full name" autoComplete="off" />
          <TextField meta={fields.email} label="Email address" type="email" autoComplete="off" />
          <SelectField
            meta={fields.role}
            label="What will they do on FORT?"
            placeholder="Choose a role"
            options={[
              { value: "referrer", label: "Referrer – refers families (health visitor, teacher, social worker…)" },
              { value: "provider", label: "Provider – staff of an organisation running services" },
              { value: "coordinator", label: "Coordinator – runs FORT for the area" },
            ]}
          />
          <SelectField
            meta={fields.teamId}
            label="Team (referrers)"
            placeholder="Not a referrer"
            options={teams.map((t) => ({ value: t.id, label: t.name }))}
          />
          <SelectField
            meta={fields.organisationId}
            label="Organisation (providers)"
            placeholder="Not a provider"
            options={organisations.map((o) => ({ value: o.id, label: o.name }))}
          />
          <CheckboxField meta={fields.isAdmin} label="They can manage this organisation's staff" />
          <button type="submit" className="ds_button">
            Send invitation
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Invite someone – FORT" }];
