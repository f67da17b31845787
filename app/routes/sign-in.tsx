import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { getUser, startSession } from "~/auth/session.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { authenticate } from "~/users/sign-in.server";
import { safeRedirect, signInSchema } from "~/users/forms";
import { readForm } from "~/http/form.server";
import { readQuery } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect(safeRedirect(readQuery(request).get("redirectTo"), "/dashboard"));
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readForm(request), { schema: signInSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  const { email, password, redirectTo } = submission.value;
  const result = await authenticate(email, password, clientIp(request));
  if (!result.ok) {
    return data(submission.reply({ formErrors: [result.message], hideFields: ["password"] }), {
      status: result.retryAfterSeconds ? 429 : 400,
      headers: result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : undefined,
    });
  }
  throw redirect(safeRedirect(redirectTo, "/dashboard"), { headers: { "Set-Cookie": await startSession(result.userId) } });
}

export default function SignIn() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signInSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <h1>Sign in</h1>
        <p>For health visitors, teachers, social workers, service providers and FORT coordinators. Families do not need an account.</p>
        <ErrorSummary errors={summariseErrors(form, { email: fields.email, password: fields.password })} />
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
          <TextField meta={fields.email} label="Email address" type="email" autoComplete="username" />
          <TextField meta={fields.password} label="Password" type="password" autoComplete="current-password" />
          <button type="submit" className="ds_button" disabled={navigation.state === "submitting"}>
            Sign in
          </button>
        </Form>
        <p>
          <Link to="/forgot-password">I have forgotten my password</Link>
        </p>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Sign in – FORT" }];
