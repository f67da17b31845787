import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { startSession } from "~/auth/session.server";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { newPasswordSchema } from "~/users/forms";
import { isResetTokenValid, resetPassword } from "~/users/password-reset.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { readForm } from "~/http/form.server";

const DEAD_LINK = "This reset link has expired or has already been used. Ask for a new one.";

export async function loader({ params }: LoaderFunctionArgs) {
  if (!(await isResetTokenValid(params.token ?? ""))) throw new Response(DEAD_LINK, { status: 404 });
  return null;
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readForm(request), { schema: newPasswordSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password", "confirm"] }), { status: 400 });
  const userId = await resetPassword(params.token ?? "", submission.value.password, clientIp(request));
  if (!userId) throw new Response(DEAD_LINK, { status: 410 });
  throw redirect("/dashboard", { headers: { "Set-Cookie": await startSession(userId) } });
}

export default function ResetPassword() {
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newPasswordSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <h1>Choose a new password</h1>
        <p>Choosing a new password signs you out on every other device.</p>
        <ErrorSummary errors={summariseErrors(form, { password: fields.password, confirm: fields.confirm })} />
        <Form method="post" {...getFormProps(form)}>
          <TextField meta={fields.password} label="New password" hint="At least 12 characters." type="password" autoComplete="new-password" />
          <TextField meta={fields.confirm} label="Type the password again" type="password" autoComplete="new-password" />
          <button type="submit" className="ds_button">
            Save my new password
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Choose a new password – FORT" }];

export function ErrorBoundary() {
  return (
    <RouteErrorBoundary
      titles={{ 404: "This link no longer works", 410: "This link no longer works" }}
      back={{ to: "/forgot-password", label: "Ask for a new reset link" }}
    />
  );
}
