import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { startSession } from "~/auth/session.server";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { LINK_REQUESTS_PER_IP, checkRate, recordFailure, retryMessage } from "~/security/rate-limit.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { newPasswordSchema } from "~/users/forms";
import { acceptInvitation, findInvitation } from "~/users/invitations.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { readForm } from "~/http/form.server";

const EXPIRED = "This invitation link has expired or has already been used. Ask the person who invited you to send a new one.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const ip = clientIp(request);
  // Dead links count against the address, so invitation tokens cannot be guessed at speed.
  const rate = await checkRate(`invitation:ip:${ip}`, LINK_REQUESTS_PER_IP);
  if (!rate.allowed) throw new Response(retryMessage(rate.retryAfterSeconds), { status: 429, headers: { "Retry-After": String(rate.retryAfterSeconds) } });
  const invitation = await findInvitation(params.token ?? "");
  if (!invitation) {
    await recordFailure(`invitation:ip:${ip}`);
    throw new Response(EXPIRED, { status: 404 });
  }
  return { invitation };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readForm(request), { schema: newPasswordSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password", "confirm"] }), { status: 400 });
  const userId = await acceptInvitation(params.token ?? "", submission.value.password, clientIp(request));
  if (!userId) throw new Response(EXPIRED, { status: 410 });
  throw redirect("/dashboard", { headers: { "Set-Cookie": await startSession(userId) } });
}

export default function AcceptInvitation() {
  const { invitation } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <h1>Set up your FORT account</h1>
        <p>
          Welcome, {invitation.name}. You have been invited as a {invitation.role}
          {invitation.organisationName ? ` for ${invitation.organisationName}` : ""}. You will sign in with <strong>{invitation.email}</strong>.
        </p>
        <ErrorSummary errors={summariseErrors(form, { password: fields.password, confirm: fields.confirm })} />
        <Form method="post" {...getFormProps(form)}>
          <TextField
            meta={fields.password}
            label="Choose a password"
            hint="At least 12 characters. A few unrelated words make a strong one."
            type="password"
            autoComplete="new-password"
          />
          <TextField meta={fields.confirm} label="Type the password again" type="password" autoComplete="new-password" />
          <button type="submit" className="ds_button">
            Create my account
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Set up your account – FORT" }];

export function ErrorBoundary() {
  return (
    <RouteErrorBoundary titles={{ 404: "This link no longer works", 410: "This link no longer works" }} back={{ to: "/sign-in", label: "Go to sign in" }} />
  );
}
