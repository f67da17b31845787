import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { usePageTranslation } from "~/i18n/i18n";
import { PublicFormText } from "~/i18n/form-errors";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { resendFamilyLink } from "~/referrals/family-requests.server";
import { lostLinkSchema } from "~/referrals/forms";
import { type RateRule, checkRates, recordFailure, retryMessage } from "~/security/rate-limit.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";
import { i18nFor } from "~/i18n/i18n";
import type { Language } from "~/i18n/languages";

// "Lost your link?" (issue 16). The answer is the same whether or not the reference exists, so it cannot be used to
// find requests; limits per address and per reference stop it being used to flood a family with messages.
const PER_IP: RateRule = { limit: 10, windowMs: 60 * 60_000, slowAfter: 10, baseDelayMs: 0 };
const PER_REFERENCE: RateRule = { limit: 3, windowMs: 60 * 60_000, slowAfter: 3, baseDelayMs: 0 };

export const SAME_ANSWER =
  "If we have a request with that reference, we have sent a new link to the email address or phone number given with it. The new link replaces the old one, which no longer works.";

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: lostLinkSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), done: false }, { status: 400 });
  const ip = clientIp(request);
  const reference = submission.value.reference.toUpperCase();
  const keys: [string, RateRule][] = [
    [`lostlink:ip:${ip}`, PER_IP],
    [`lostlink:ref:${reference}`, PER_REFERENCE],
  ];
  const rate = await checkRates(keys);
  if (!rate.allowed) {
    return data(
      { result: submission.reply({ formErrors: [retryMessage(rate.retryAfterSeconds)] }), done: false },
      { status: 429, headers: { "Retry-After": String(rate.retryAfterSeconds) } },
    );
  }
  await recordFailure(...keys.map(([key]) => key));
  await resendFamilyLink(reference, ip);
  return { result: submission.reply({ resetForm: true }), done: true };
}

export default function LostLink() {
  const actionData = useActionData<typeof action>();
  const { t } = usePageTranslation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: lostLinkSchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <PublicFormText>
      <div className="ds_layout ds_layout--question-page">
        <div className="ds_layout__content">
          <h1>{t("lost.title")}</h1>
          <p>{t("lost.intro")}</p>
          <p>{t("lost.how")}</p>
          {actionData?.done && (
            <div className="ds_inset-text" role="status">
              <p className="ds_inset-text__text">{t("lost.answer", { defaultValue: SAME_ANSWER })}</p>
            </div>
          )}
          <ErrorSummary errors={summariseErrors(form, { reference: fields.reference })} />
          <Form method="post" {...getFormProps(form)}>
            <TextField meta={fields.reference} label={t("lost.reference")} hint={t("lost.referenceHint")} width="fixed-20" autoComplete="off" />
            <button type="submit" className="ds_button">
              {t("lost.send")}
            </button>
          </Form>
          <p>
            {t("lost.noContact")} <Link to="/">{t("lost.findService")}</Link>.
          </p>
        </div>
      </div>
    </PublicFormText>
  );
}

export const meta: MetaFunction = ({ matches }) => [
  { title: `${i18nFor((matches.find((m) => m.id === "root")?.data as { lang?: Language } | undefined)?.lang ?? "en").t("lost.title")} – FORT` },
];
