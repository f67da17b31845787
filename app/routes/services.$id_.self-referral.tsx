import { getFormProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CheckboxField, ErrorSummary, RadioField, SelectField, TextAreaField, TextField, summariseErrors } from "~/components/forms";
import { config } from "~/config.server";
import { getPublishedService } from "~/directory/services.server";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { CONTACT_PREFERENCES, LINK_DELIVERY, selfReferralSchema } from "~/referrals/forms";
import { createSelfReferral } from "~/referrals/commands.server";
import { type RateRule, checkRate, recordFailure, retryMessage } from "~/security/rate-limit.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { LANGUAGE_COOKIE, chooseLanguage, cookieValue } from "~/i18n/languages";

const languageOf = (request: Request) =>
  chooseLanguage(new URL(request.url).searchParams.get("lang"), cookieValue(request.headers.get("Cookie"), LANGUAGE_COOKIE), request.headers.get("Accept-Language"));

// Families are not signed in, so the form is limited per address: a few requests an hour is plenty for a person.
const SELF_REFERRALS_PER_IP: RateRule = { limit: 5, windowMs: 60 * 60_000, slowAfter: 5, baseDelayMs: 0 };

async function loadService(id: string | undefined) {
  const service = await getPublishedService(id ?? "");
  if (!service || !service.acceptsSelfReferrals) throw new Response("This service does not take requests from families through FORT. Contact it directly.", { status: 404 });
  return service;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const service = await loadService(params.id);
  return { service: { id: service.id, name: service.name, organisationName: service.organisation.name }, childProtectionUrl: config().CHILD_PROTECTION_URL };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const service = await loadService(params.id);
  const ip = clientIp(request);
  const key = `selfreferral:ip:${ip}`;
  const formData = await request.formData();
  const submission = parseWithZod(formData, { schema: selfReferralSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const rate = await checkRate(key, SELF_REFERRALS_PER_IP);
  if (!rate.allowed) {
    return data(submission.reply({ formErrors: [retryMessage(rate.retryAfterSeconds)] }), { status: 429, headers: { "Retry-After": String(rate.retryAfterSeconds) } });
  }
  await recordFailure(key);
  // A filled honeypot is a bot: it is told all went well, and nothing is kept.
  if (submission.value.website) throw redirect(`/services/${service.id}/self-referral/sent`);
  if (!submission.value.consent) return data(submission.reply({ fieldErrors: { consent: ["Tick the box to agree to the service holding these details"] } }), { status: 400 });
  let created: Awaited<ReturnType<typeof createSelfReferral>>;
  try {
    // The service's rules (age, area, whether it takes families' requests now) are checked by createSelfReferral.
    created = await createSelfReferral(service.id, { ...submission.value, locale: languageOf(request) }, ip);
  } catch (error) {
    const refusal = refusalOf(error);
    return data(submission.reply(replyErrorsOf(refusal)), { status: refusal.status });
  }
  throw redirect(`/track/${created.reference}?key=${encodeURIComponent(created.secret)}&new=1${created.deliveredBy ? `&sent=${created.deliveredBy}` : ""}`);
}

export default function SelfReferral() {
  const { service, childProtectionUrl } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: selfReferralSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });
  return (
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
                {fields.doNotText.errors[0]}
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
                {fields.consent.errors[0]}
              </p>
            )}
            <CheckboxField meta={fields.consent as FieldMetadata<boolean | undefined>} label={t("selfReferral.consent", { organisation: service.organisationName })} />
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
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Ask ${data.service.name} for help – FORT` : "Service not found – FORT" }];

export function ErrorBoundary() {
  const error = useRouteError();
  return (
    <>
      <h1>{isRouteErrorResponse(error) && error.status === 404 ? "Service not found" : "Sorry, there is a problem"}</h1>
      <p>{isRouteErrorResponse(error) && typeof error.data === "string" ? error.data : "Please try again later."}</p>
      <p>
        <Link to="/">Back to all services</Link>
      </p>
    </>
  );
}
