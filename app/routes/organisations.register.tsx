import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { ErrorSummary, TextAreaField, TextField, summariseErrors } from "~/components/forms";
import { registrationSchema } from "~/organisations/forms";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { registerOrganisation } from "~/organisations/organisations.server";
import { LINK_REQUESTS_PER_IP, checkRate, recordFailure, retryMessage } from "~/security/rate-limit.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const submission = parseWithZod(await readForm(request), { schema: registrationSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), done: false }, { status: 400 });
  // A filled honeypot looks like success to the bot, and does nothing.
  if (submission.value.fax) return { result: submission.reply(), done: true };
  const ip = clientIp(request);
  const rate = await checkRate(`register:ip:${ip}`, LINK_REQUESTS_PER_IP);
  if (!rate.allowed) return data({ result: submission.reply({ formErrors: [retryMessage(rate.retryAfterSeconds)] }), done: false }, { status: 429 });
  await recordFailure(`register:ip:${ip}`);
  const { fax: _honeypot, ...input } = submission.value;
  try {
    await registerOrganisation(input, ip);
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ result: submission.reply(replyErrorsOf(refusal)), done: false }, { status: refusal.status });
  }
  return { result: submission.reply(), done: true };
}

export default function RegisterOrganisation() {
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: registrationSchema }),
    shouldRevalidate: "onInput",
  });
  if (actionData?.done) {
    return (
      <>
        <h1>Thank you</h1>
        <p>A FORT coordinator will check your organisation's details. When they approve it, you will get an email inviting you to set up your account.</p>
      </>
    );
  }
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <h1>List your organisation on FORT</h1>
        <p>For charities and community groups that support children and families. A coordinator checks every organisation before it appears.</p>
        <ErrorSummary errors={summariseErrors(form, fields)} />
        <Form method="post" {...getFormProps(form)}>
          <TextField meta={fields.name} label="Organisation name" />
          <TextAreaField meta={fields.description} label="What your organisation does" />
          <TextField meta={fields.contactName} label="Your name" autoComplete="name" />
          <TextField meta={fields.email} label="Your work email" hint="We will send your invitation here." type="email" autoComplete="email" />
          <TextField meta={fields.website} label="Website (optional)" type="url" />
          <TextField meta={fields.phone} label="Phone (optional)" type="tel" />
          <div aria-hidden="true" className="fort-honeypot">
            <label htmlFor="fax">Leave this empty</label>
            <input id="fax" name="fax" tabIndex={-1} autoComplete="off" />
          </div>
          <button type="submit" className="ds_button">
            Send for approval
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "List your organisation – FORT" }];
