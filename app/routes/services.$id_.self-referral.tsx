import { getFormProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { hashSecret } from "~/auth/policy.server";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { usePageTranslation } from "~/i18n/i18n";
import { CheckboxField, ErrorSummary, FormTextProvider, RadioField, SelectField, TextAreaField, TextField, summariseErrors } from "~/components/forms";
import { usePublicFormText } from "~/i18n/form-errors";
import { config } from "~/config.server";
import { getPublishedService } from "~/directory/services.server";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { CONTACT_PREFERENCES, LINK_DELIVERY, selfReferralSchema } from "~/referrals/forms";
import { createSelfReferral } from "~/referrals/family-requests.server";
import { familyLinkChannel } from "~/referrals/notifications.server";
import { type RateRule, checkRate, recordFailure, retryMessage } from "~/security/rate-limit.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { readForm } from "~/http/form.server";
import { isDuplicateSend, newIdempotencyKey, selfReferralSecret, selfReferralSentWithKey } from "~/referrals/idempotency.server";
import { requestLanguage } from "~/i18n/languages";
import { i18nFor } from "~/i18n/i18n";
import type { Language } from "~/i18n/languages";

// Families are not signed in, so the form is limited per address: a few requests an hour is plenty for a person.
const SELF_REFERRALS_PER_IP: RateRule = { limit: 5, windowMs: 60 * 60_000, slowAfter: 5, baseDelayMs: 0 };

async function loadService(id: string | undefined) {
  const service = await getPublishedService(id ?? "");
  if (!service || !service.acceptsSelfReferrals)
    throw new Response("This service does not take requests from families through FORT. Contact it directly.", { status: 404 });
  return service;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const service = await loadService(params.id);
  return {
    service: { id: service.id, name: service.name, organisationName: service.organisation.name },
    childProtectionUrl: config().CHILD_PROTECTION_URL,
    // A new key for each page served: sending this page's form twice makes one request.
    idempotencyKey: newIdempotencyKey(),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const service = await loadService(params.id);
  const ip = clientIp(request);
  const key = `selfreferral:ip:${ip}`;
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: selfReferralSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const rate = await checkRate(key, SELF_REFERRALS_PER_IP);
  if (!rate.allowed) {
    return data(submission.reply({ formErrors: [retryMessage(rate.retryAfterSeconds)] }), {
      status: 429,
      headers: { "Retry-After": String(rate.retryAfterSeconds) },
    });
  }
  await recordFailure(key);
  // A filled honeypot is a bot: it is told all went well, and nothing is kept.
  if (submission.value.website) throw redirect(`/services/${service.id}/self-referral/sent`);
  if (!submission.value.consent)
    return data(submission.reply({ fieldErrors: { consent: ["Tick the box to agree to the service holding these details"] } }), { status: 400 });
  // Sent already (a double click, a retry, the back button): show the family the request that exists.
  const formKey = submission.value.idempotencyKey;
  const showEarlier = async () => {
    const earlier = formKey ? await selfReferralSentWithKey(service.id, formKey) : undefined;
    if (!earlier) return;
    const secret = selfReferralSecret(formKey!);
    // The link can be shown again only while the server's secret is unchanged (it is derived from it).
    const sentBy = familyLinkChannel(earlier);
    if (earlier.secretHash === hashSecret(secret))
      throw redirect(`/track/${earlier.reference}?key=${encodeURIComponent(secret)}&new=1${sentBy ? `&sent=${sentBy}` : ""}`);
    throw redirect(`/services/${service.id}/self-referral/sent`);
  };
  await showEarlier();
  try {
    const { reference, secret, deliveredBy } = await createSelfReferral(service.id, { ...submission.value, locale: requestLanguage(request) }, ip);
    throw redirect(`/track/${reference}?key=${encodeURIComponent(secret)}&new=1${deliveredBy ? `&sent=${deliveredBy}` : ""}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    if (isDuplicateSend(error)) await showEarlier();
    // The service's rules (age, area, whether it takes families' requests now) are checked by createSelfReferral.
    const refusal = refusalOf(error);
    return data(submission.reply(replyErrorsOf(refusal)), { status: refusal.status });
  }
}

export default function SelfReferral() {
  const { service, childProtectionUrl, idempotencyKey } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = usePageTranslation();
  const formText = usePublicFormText();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: selfReferralSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
    <FormTextProvider value={formText}>
      <div className="ds_layout ds_layout--question-page">
        <div className="ds_layout__content">
          <header className="ds_page-header">
            <span className="ds_page-header__label ds_content-label">{service.organisationName}</span>
            <h1 className="ds_page-header__title">{t("selfReferral.title", { service: service.name })}</h1>
          </header>
          <p>{t("selfReferral.intro")}</p>
          <div className="fort-warning" role="note">
            <p>
              {t("selfReferral.danger")} <a href={childProtectionUrl}>{t("selfReferral.dangerLink")}</a>.
            </p>
          </div>
          <ErrorSummary
            errors={summariseErrors(form, {
              parentName: fields.parentName,
              contactPreference: fields.contactPreference,
              parentPhone: fields.parentPhone,
              parentEmail: fields.parentEmail,
              doNotText: fields.doNotText,
              linkDelivery: fields.linkDelivery,
              childAge: fields.childAge,
              childPostcode: fields.childPostcode,
              familyWants: fields.familyWants,
              consent: fields.consent,
            })}
          />
          <Form method="post" {...getFormProps(form)}>
            <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
            <TextField meta={fields.parentName} label={t("selfReferral.parentName")} autoComplete="name" />
            <SelectField
              meta={fields.contactPreference}
              label={t("selfReferral.contactPreference")}
              placeholder={t("selfReferral.chooseOne")}
              options={Object.keys(CONTACT_PREFERENCES).map((value) => ({ value, label: t(`selfReferral.contact.${value}`) }))}
            />
            <TextField meta={fields.parentPhone} label={t("selfReferral.phone")} type="tel" autoComplete="tel" />
            <TextField meta={fields.parentEmail} label={t("selfReferral.email")} type="email" autoComplete="email" />
            <TextField meta={fields.contactTimes} label={t("selfReferral.contactTimes")} hint={t("selfReferral.contactTimesHint")} />
            <fieldset className="ds_question">
              <legend>{t("selfReferral.doNotLegend")}</legend>
              {fields.doNotText.errors && (
                <p className="ds_question__error-message" id={fields.doNotText.errorId}>
                  {formText.error(fields.doNotText.errors[0]!)}
                </p>
              )}
              <CheckboxField meta={fields.doNotLeaveVoicemail as FieldMetadata<boolean | undefined>} label={t("selfReferral.doNotVoicemail")} />
              <CheckboxField meta={fields.doNotText as FieldMetadata<boolean | undefined>} label={t("selfReferral.doNotText")} />
            </fieldset>
            <RadioField
              meta={fields.linkDelivery}
              legend={t("selfReferral.linkLegend")}
              hint={t("selfReferral.linkHint")}
              options={Object.keys(LINK_DELIVERY).map((value) => ({ value, label: t(`selfReferral.link.${value}`) }))}
            />
            <TextField meta={fields.childAge} label={t("selfReferral.childAge")} type="number" width="fixed-10" hint={t("selfReferral.childAgeHint")} />
            <TextField meta={fields.childPostcode} label={t("selfReferral.postcode")} width="fixed-10" autoComplete="postal-code" />
            <TextAreaField meta={fields.familyWants} label={t("selfReferral.familyWants")} />
            <TextField meta={fields.language} label={t("selfReferral.language")} />
            {/* Honeypot: invisible to people and screen readers; bots fill it in. */}
            <div aria-hidden="true" className="fort-honeypot">
              <label htmlFor="website">Leave this empty</label>
              <input id="website" name="website" type="text" tabIndex={-1} autoComplete="off" />
            </div>
            <div className={`ds_question${fields.consent.errors ? " ds_question--error" : ""}`}>
              {fields.consent.errors && (
                <p className="ds_question__error-message" id={fields.consent.errorId}>
                  {formText.error(fields.consent.errors[0]!)}
                </p>
              )}
              <CheckboxField
                meta={fields.consent as FieldMetadata<boolean | undefined>}
                label={t("selfReferral.consent", { organisation: service.organisationName })}
              />
            </div>
            <button type="submit" className="ds_button" disabled={navigation.state === "submitting"}>
              {t("selfReferral.send")}
            </button>
          </Form>
          <p>
            <Link to={`/services/${service.id}`}>{t("selfReferral.back", { service: service.name })}</Link>
          </p>
        </div>
      </div>
    </FormTextProvider>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = i18nFor((matches.find((m) => m.id === "root")?.data as { lang?: Language } | undefined)?.lang ?? "en").t;
  return [{ title: data ? `${t("selfReferral.title", { service: data.service.name })} – FORT` : "Service not found – FORT" }];
};

export function ErrorBoundary() {
  return <RouteErrorBoundary titles={{ 404: "Service not found" }} back={{ to: "/", label: "Back to all services" }} />;
}
