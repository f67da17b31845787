import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { forbidden, requireRole } from "~/auth/permissions.server";
import { administeredOrganisations, organisationFor } from "~/auth/policy.server";
import type { CurrentUser } from "~/auth/session.server";
import { refusalOf } from "~/domain/refusal.server";
import { CheckboxField, ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { Notice } from "~/components/Notice";
import { organisationMembers, removeMember } from "~/organisations/organisations.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { staffInviteSchema } from "~/users/forms";
import { inviteUser } from "~/users/invitations.server";
import { readForm } from "~/http/form.server";

/** The organisation named by ?organisation=, or the only one the user administers; null when they must choose. */
function administeredOrganisation(user: CurrentUser, request: Request) {
  const among = administeredOrganisations(user);
  if (among.length === 0) throw forbidden("Only your organisation's admins can manage its staff.");
  try {
    return { organisation: organisationFor(among, new URL(request.url).searchParams.get("organisation")), among };
  } catch (error) {
    throw new Response(refusalOf(error).message, { status: 403 });
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  const { organisation, among } = administeredOrganisation(user, request);
  if (!organisation) return { choose: among, organisation: null, members: [], me: user.id };
  return { choose: among.length > 1 ? among : null, organisation, members: await organisationMembers(user, organisation.id), me: user.id };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "provider");
  const { organisation } = administeredOrganisation(user, request);
  if (!organisation) return data({ notice: { ok: false, message: "Choose which organisation's staff to manage." }, result: undefined }, { status: 400 });
  const formData = await readForm(request);
  if (formData.get("intent") === "remove") {
    const userId = String(formData.get("userId") ?? "");
    // readForm has refused a malformed id; a missing one is a form FORT did not send.
    if (!userId) return data({ notice: { ok: false, message: "Choose the person to remove from the list." }, result: undefined }, { status: 400 });
    try {
      return data({ notice: await removeMember(user, organisation.id, userId, clientIp(request)), result: undefined });
    } catch (error) {
      const refusal = refusalOf(error);
      return data({ notice: { ok: false, message: refusal.message }, result: undefined }, { status: refusal.status });
    }
  }
  const submission = parseWithZod(formData, { schema: staffInviteSchema });
  if (submission.status !== "success") return data({ notice: null, result: submission.reply() }, { status: 400 });
  const invited = await inviteUser(user, { ...submission.value, role: "provider", organisationId: organisation.id }, clientIp(request));
  if (!invited.ok) {
    const reply =
      invited.field === "email" ? submission.reply({ fieldErrors: { email: [invited.message] } }) : submission.reply({ formErrors: [invited.message] });
    return data({ notice: null, result: reply }, { status: 400 });
  }
  return { notice: { ok: true, message: `Invitation sent to ${submission.value.email}.` }, result: submission.reply({ resetForm: true }) };
}

export default function Staff() {
  const { choose, organisation, members, me } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: staffInviteSchema }),
    shouldRevalidate: "onInput",
  });
  const chooser = choose && (
    <nav aria-label="Organisations you administer">
      <ul className="ds_no-bullets">
        {choose.map((o) => (
          <li key={o.id}>
            <Link to={`?organisation=${o.id}`} aria-current={o.id === organisation?.id ? "page" : undefined}>
              {o.name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
  if (!organisation) {
    return (
      <>
        <h1>Staff</h1>
        <p>You administer more than one organisation. Choose whose staff to manage.</p>
        {chooser}
      </>
    );
  }
  return (
    <>
      <h1>Staff of {organisation.name}</h1>
      {chooser}
      <Notice notice={actionData?.notice} />
      <table className="ds_table">
        <caption className="visually-hidden">Staff with access to this organisation</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Admin</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>{m.isAdmin ? "Yes" : "No"}</td>
              <td>
                {m.id !== me && (
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="userId" value={m.id} />
                    <button type="submit" className="ds_button ds_button--small ds_button--secondary" aria-label={`Remove ${m.name}`}>
                      Remove
                    </button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Invite a colleague</h2>
      <ErrorSummary errors={summariseErrors(form, fields)} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="invite" />
        <TextField meta={fields.name} label="Full name" autoComplete="off" />
        <TextField meta={fields.email} label="Email address" type="email" autoComplete="off" />
        <CheckboxField meta={fields.isAdmin} label="They can manage staff too" />
        <button type="submit" className="ds_button">
          Send invitation
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Staff – FORT" }];
