import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { usePageTranslation } from "~/i18n/i18n";
import { PublicFormText } from "~/i18n/form-errors";
import { ErrorSummary, TextAreaField, summariseErrors } from "~/components/forms";
import { StateTag, Timeline, describeDecline, describeOutcome, formatDateTime } from "~/referrals/components";
import { familyMessageSchema, familyWithdrawSchema } from "~/referrals/forms";
import { refusalOf } from "~/domain/refusal.server";
import { changeState } from "~/referrals/commands.server";
import { postMessage, replyAsFamily } from "~/referrals/messages.server";
import { getTrackedReferral } from "~/referrals/tracking.server";
import { ACTION_PAST, type ReferralAction } from "~/referrals/state-machine";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { readForm } from "~/http/form.server";
import { readUrl } from "~/http/query.server";
import { i18nFor } from "~/i18n/i18n";
import { type Language, requestLanguage } from "~/i18n/languages";

// The same answer for an unknown reference and a wrong key, so neither can be guessed one at a time.
/** Said the same way whether the reference or the key is wrong, in the family's language. */
const notFound = (request: Request) => new Response(i18nFor(requestLanguage(request)).t("track.notFound"), { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const url = readUrl(request);
  const key = url.searchParams.get("key") ?? "";
  const referral = await getTrackedReferral(params.reference ?? "", key, clientIp(request));
  if (!referral) throw notFound(request);
  return data(
    {
      referral,
      key,
      isNew: url.searchParams.get("new") === "1",
      sentBy: url.searchParams.get("sent"),
      link: `${url.origin}/track/${referral.reference}?key=${encodeURIComponent(key)}`,
    },
    // The key is in the address: keep it out of caches and of Referer headers to other sites.
    { headers: { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } },
  );
}

// The loader's headers reach the document only through this export (issue 12): the key in the address stays out of Referer.
export const headers: HeadersFunction = ({ loaderHeaders }) => ({
  "Referrer-Policy": loaderHeaders.get("Referrer-Policy") ?? "no-referrer",
  "Cache-Control": "no-store",
});

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const formData = await readForm(request);
  const key = String(formData.get("key") ?? "");
  const referral = await getTrackedReferral(params.reference ?? "", key, clientIp(request));
  if (!referral) throw notFound(request);
  const actor = { kind: "family" as const, secret: key, ip: clientIp(request) };
  // Withdrawing is its own form with its own reason, never the message box (issue 16).
  if (formData.get("intent") === "withdraw") {
    const withdrawal = parseWithZod(formData, { schema: familyWithdrawSchema });
    if (withdrawal.status !== "success") return data({ form: "withdraw" as const, result: withdrawal.reply() }, { status: 400 });
    try {
      await changeState(actor, referral.id, "withdraw", referral.version, { note: withdrawal.value.reason });
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal.status === 404) throw notFound(request);
      return data({ form: "withdraw" as const, result: withdrawal.reply({ formErrors: [refusal.message] }) }, { status: 409 });
    }
    throw redirect(`/track/${referral.reference}?key=${encodeURIComponent(key)}`);
  }
  const submission = parseWithZod(formData, { schema: familyMessageSchema });
  if (submission.status !== "success") return data({ form: "message" as const, result: submission.reply() }, { status: 400 });
  try {
    if (referral.state === "info_requested") {
      // A family's reply to a question is its answer: message and answer in one transaction.
      await replyAsFamily(actor, referral.id, submission.value.body, referral.version);
    } else {
      await postMessage(actor, referral.id, submission.value.body);
    }
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal.status === 404) throw notFound(request);
    return data({ form: "message" as const, result: submission.reply({ formErrors: [refusal.message] }) }, { status: 409 });
  }
  throw redirect(`/track/${referral.reference}?key=${encodeURIComponent(key)}`);
}

const FAMILY_WORDS: Partial<Record<ReferralAction, string>> = {
  submit: "You sent your request",
  accept: "The service accepted your request",
  decline: "The service cannot help this time",
  request_info: "The service would like to know more",
  answer_info: "You replied",
  start_support: "Support has started",
  close: "The service closed your request",
  withdraw: "The request was withdrawn",
  forward: "Your request was passed to another service that can help",
};

export default function TrackRequest() {
  const { referral: r, key, isNew, sentBy, link } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = usePageTranslation();
  const [form, fields] = useForm({
    id: "message",
    lastResult: actionData?.form === "message" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: familyMessageSchema }),
    shouldValidate: "onSubmit",
  });
  const [withdrawForm, withdrawFields] = useForm({
    id: "withdraw",
    lastResult: actionData?.form === "withdraw" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: familyWithdrawSchema }),
    shouldValidate: "onSubmit",
  });
  const entries = [
    ...r.history.map((h) => ({
      key: `h${h.id}`,
      at: h.at,
      who: h.party === "family" ? t("track.you") : r.organisationName,
      kind: "change" as const,
      title: FAMILY_WORDS[h.action as ReferralAction] ? t(`track.events.${h.action}`) : (ACTION_PAST[h.action as ReferralAction] ?? h.action),
      body: h.note ?? undefined,
    })),
    ...r.messages.map((m) => ({
      key: `m${m.id}`,
      at: m.at,
      who: m.party === "family" ? t("track.you") : r.organisationName,
      kind: "message" as const,
      title: t("track.message"),
      body: m.body,
    })),
  ].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  const open = !["declined", "closed", "withdrawn"].includes(r.state);
  // The service's note to the family when it accepted: what happens next, shown at the top while it applies.
  const nextStep = ["accepted", "in_progress"].includes(r.state) ? [...r.history].reverse().find((h) => h.action === "accept" && h.note)?.note : undefined;
  return (
    <PublicFormText>
      <>
        <header className="ds_page-header">
          <span className="ds_page-header__label ds_content-label">{t("track.reference", { reference: r.reference })}</span>
          <h1 className="ds_page-header__title">{t("track.title", { service: r.serviceName })}</h1>
        </header>
        {isNew && (
          <div className="ds_inset-text" role="status">
            <h2>{t("track.sentTitle")}</h2>
            <div className="ds_inset-text__text">
              <p>{t("track.sentBody", { reference: r.reference })}</p>
              <p className="fort-secret-link">
                <a href={link}>{link}</a>
              </p>
              {sentBy === "email" && <p>{t("track.sentByEmail")}</p>}
              {sentBy === "sms" && <p>{t("track.sentBySms")}</p>}
              <p>
                {t("track.lostHint")} <Link to="/track/lost">{t("track.lostLink")}</Link>.
              </p>
            </div>
          </div>
        )}
        <p>
          <StateTag state={r.state} label={t(`track.states.${r.state}`, { defaultValue: "" }) || undefined} />
        </p>
        <p>{t("track.sentOn", { organisation: r.organisationName, date: r.sentAt ? formatDateTime(r.sentAt) : "" })}</p>
        {nextStep && (
          <div className="ds_inset-text">
            <h2>{t("track.nextStep")}</h2>
            <div className="ds_inset-text__text">
              <p>{nextStep}</p>
            </div>
          </div>
        )}
        {r.declineReason && <p>{t("track.reason", { reason: describeDecline(r.declineReason) })}</p>}
        {r.closeOutcome && <p>{t("track.outcome", { outcome: describeOutcome(r.closeOutcome) })}</p>}
        <h2>{t("track.happened")}</h2>
        <Timeline entries={entries} label={t("track.happened")} />
        {open && (
          <>
            <h2>{r.state === "info_requested" ? t("track.replyTitle") : t("track.messageTitle")}</h2>
            <ErrorSummary errors={summariseErrors(form, { body: fields.body })} />
            <Form method="post" {...getFormProps(form)}>
              <input type="hidden" name="key" value={key} />
              <input type="hidden" name="intent" value="message" />
              <TextAreaField meta={fields.body} label={t("track.yourMessage")} hint={t("track.serviceReads")} />
              <button type="submit" className="ds_button">
                {t("track.sendMessage")}
              </button>
            </Form>
            <h2>{t("track.withdrawTitle")}</h2>
            <p>{t("track.withdrawIntro", { service: r.serviceName })}</p>
            <ErrorSummary errors={summariseErrors(withdrawForm, { reason: withdrawFields.reason })} />
            <Form method="post" {...getFormProps(withdrawForm)}>
              <input type="hidden" name="key" value={key} />
              <input type="hidden" name="intent" value="withdraw" />
              <TextAreaField meta={withdrawFields.reason} label={t("track.withdrawReason")} hint={t("track.serviceReads")} rows={3} />
              <button type="submit" className="ds_button ds_button--secondary">
                {t("track.withdrawButton")}
              </button>
            </Form>
          </>
        )}
        <p>
          <Link to="/">{t("track.findOthers")}</Link>
        </p>
      </>
    </PublicFormText>
  );
}

export const meta: MetaFunction = ({ matches }) => [
  { title: `${i18nFor((matches.find((m) => m.id === "root")?.data as { lang?: Language } | undefined)?.lang ?? "en").t("track.metaTitle")} – FORT` },
  { name: "robots", content: "noindex" },
  { name: "referrer", content: "no-referrer" },
];

export function ErrorBoundary() {
  const { t } = usePageTranslation();
  return (
    <RouteErrorBoundary
      titles={{ 404: t("track.notFoundTitle") }}
      more={[{ to: "/track/lost", label: t("track.notFoundLost") }]}
      back={{ to: "/", label: t("track.notFoundBack") }}
    />
  );
}
