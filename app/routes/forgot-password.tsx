import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { resetRequestSchema } from "~/users/forms";
import { requestPasswordReset } from "~/users/password-reset.server";
import { readForm } from "~/http/form.server";

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readForm(request), { schema: resetRequestSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const outcome = await requestPasswordReset(submission.value.email, clientIp(request));
  if (!outcome.ok) {
    return data(
      { result: submission.reply({ formErrors: [outcome.message] }), sent: false },
      { status: 429, headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  return { result: submission.reply(), sent: true, email: submission.value.email };
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ lastResult: actionData?.result, onValidate: ({ formData }) => parseWithZod(formData, { schema: resetRequestSchema }) });
  if (actionData?.sent) {
    return (
      <>
        <h1>Check your email</h1>
        <p>
          If {"email" in actionData ? actionData.email : "that address"} has a FORT account, we have sent it a link to choose a new password. The link works for
          one hour.
        </p>
      </>
    );
  }
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <h1>Reset your password</h1>
        <ErrorSummary errors={summariseErrors(form, { email: fields.email })} />
        <Form method="post" {...getFormProps(form)}>
          <TextField meta={fields.email} label="Email address" hint="The address you sign in with." type="email" autoComplete="username" />
          <button type="submit" className="ds_button">
            Send me a reset link
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Reset your password – FORT" }];
