import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { referralAccessHistory } from "~/audit/audit-trail.server";
import { ReferralAccessHistory } from "~/audit/AuditTrailTable";
import { may } from "~/auth/policy.server";
import { requireUser } from "~/auth/session.server";
import { audienceLabel, type Audience } from "~/referrals/audience";
import { clock } from "~/clock.server";
import { config } from "~/config.server";
import { SHANARRI_CODES } from "~/directory/taxonomy";
import {
  Age,
  OverdueTag,
  StateTag,
  SummaryRow,
  Timeline,
  UrgencyText,
  describeDecline,
  describeNeedOutcome,
  describeOutcome,
  formatDateTime,
  needName,
  type TimelineEntry,
} from "~/referrals/components";
import { referableServices } from "~/referrals/eligibility.server";
import { CONSENT_METHODS, CONTACT_PREFERENCES, coordinatorOpenSchema, messageSchema, transitionSchema } from "~/referrals/forms";
import { canSeeReferral, openDetailsWithReason } from "~/referrals/access.server";
import { changeState, draftReferralElsewhere } from "~/referrals/commands.server";
import { postMessage } from "~/referrals/messages.server";
import { refusalOf } from "~/domain/refusal.server";
import { CoordinatorOpen, MessageForm } from "~/referrals/ReferralPageForms";
import { getReferral } from "~/referrals/queries.server";
import { ACTIONS, ACTION_PAST, STATE_LABELS, type ReferralAction } from "~/referrals/state-machine";
import { isOverdue } from "~/calendar/working-days";
import { nonWorkingDatesSince } from "~/calendar/non-working-days.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { Actions } from "~/referrals/ReferralActions";
import { readForm } from "~/http/form.server";
import { unknownReference } from "~/http/db-errors.server";

const NOT_FOUND = "We could not find that referral, or you do not have access to it.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const referral = await getReferral(user, params.id ?? "", clientIp(request));
  if (!referral) throw new Response(NOT_FOUND, { status: 404 });
  const services = referral.actions.includes("forward") || referral.actions.includes("decline") || canReferElsewhere(referral) ? await referableServices() : [];
  const nonWorkingDates = await nonWorkingDatesSince(referral.sentAt);
  const overdue = isOverdue(referral.sentAt, referral.firstResponseAt, clock.now(), config().REFERRAL_OVERDUE_WORKING_DAYS, nonWorkingDates);
  return {
    referral,
    nonWorkingDates,
    services: services.filter((s) => s.id !== referral.serviceId),
    overdue,
    accessHistory: may(user, "audit.read") ? await referralAccessHistory(user, referral.id) : null,
  };
}

/** The referrer of a finished referral may send its details to another service (issue 16). */
const canReferElsewhere = (r: { party: string; state: string }) => r.party === "referrer" && ["declined", "closed", "withdrawn"].includes(r.state);

type TransitionAction = Exclude<ReferralAction, "submit">;
const TRANSITION_ACTIONS = ACTIONS.filter((a): a is TransitionAction => a !== "submit");

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireUser(request);
  const id = params.id ?? "";
  const ip = clientIp(request);
  if (!(await canSeeReferral(user, id))) throw new Response("We could not find that referral.", { status: 404 });
  const formData = await readForm(request);
  const intent = String(formData.get("intent") ?? "");
  try {
    if (intent === "message") {
      const submission = parseWithZod(formData, { schema: messageSchema });
      if (submission.status !== "success") return data({ intent, result: submission.reply(), conflict: null }, { status: 400 });
      await postMessage({ kind: "user", user, ip }, id, submission.value.body, submission.value.audience);
      throw redirect(`/referrals/${id}?done=message`);
    }
    if (intent === "refer_elsewhere") {
      const serviceId = String(formData.get("serviceId") ?? "");
      const draftId = await draftReferralElsewhere(user, id, serviceId || undefined);
      throw redirect(`/referrals/new?draft=${draftId}`);
    }
    if (intent === "open_details") {
      const submission = parseWithZod(formData, { schema: coordinatorOpenSchema });
      if (submission.status !== "success") return data({ intent, result: submission.reply(), conflict: null }, { status: 400 });
      await openDetailsWithReason(user, id, submission.value.reason, ip);
      throw redirect(`/referrals/${id}`);
    }
    const action = TRANSITION_ACTIONS.find((a) => a === intent);
    if (!action) return data({ intent, result: null, conflict: "Choose one of the actions on the page." }, { status: 400 });
    const needCodes = SHANARRI_CODES.filter((code) => formData.has(`outcome_${code}`) || formData.has(`needs_${code}`));
    const submission = parseWithZod(formData, { schema: transitionSchema(action, needCodes) });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), conflict: null }, { status: 400 });
    const v = submission.value as Record<string, unknown> & { version: number; note?: string };
    const needOutcomes = Object.fromEntries(needCodes.map((code) => [code, String(v[`outcome_${code}`] ?? "")]).filter(([, value]) => value));
    try {
      await changeState({ kind: "user", user, ip }, id, action, v.version, {
        note: v.note,
        noteAudience: v.noteAudience as Audience | undefined,
        reason: v.reason as never,
        reasonOther: v.reasonOther as string | undefined,
        suggestedServiceId: v.suggestedServiceId as string | undefined,
        outcome: v.outcome as never,
        outcomeOther: v.outcomeOther as string | undefined,
        needOutcomes,
        toServiceId: v.toServiceId as string | undefined,
      });
    } catch (error) {
      // A suggested or forwarded-to service that does not exist: the field's error, not a server error.
      const unknown = unknownReference(error);
      if (!unknown) throw error;
      return data(
        {
          intent,
          result: submission.reply(unknown.field ? { fieldErrors: { [unknown.field]: [unknown.message] } } : { formErrors: [unknown.message] }),
          conflict: null,
        },
        { status: 400 },
      );
    }
    // A forwarded referral leaves the provider's organisation; its page is no longer theirs to see.
    throw redirect(action === "forward" ? "/provider/referrals?forwarded=1" : `/referrals/${id}?done=${action}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    const refusal = refusalOf(error);
    if (refusal.status === 404) throw new Response(NOT_FOUND, { status: 404 });
    return data({ intent, result: null, conflict: refusal.message }, { status: 409 });
  }
}

const DONE_MESSAGES: Record<string, string> = { message: "Your message was sent.", ...ACTION_PAST };

export default function ReferralPage() {
  const { referral: r, services, overdue, accessHistory, nonWorkingDates } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const resultFor = (intent: string) => (actionData?.intent === intent && actionData.result ? actionData.result : undefined);
  const [searchParams] = useSearchParams();
  const done = searchParams.get("done");
  const p = r.personal;
  const history = r.history.map((h): TimelineEntry => ({
    key: `h${h.id}`,
    at: h.at,
    who: h.actorLabel,
    kind: "change",
    title: `${ACTION_PAST[h.action as ReferralAction] ?? h.action}${h.action === "forward" && h.toServiceName ? ` to ${h.toServiceName}` : ""}`,
    body: [h.reason && `Reason: ${h.reason}`, h.note && `${h.note}\n(Note: ${audienceLabel(h.noteAudience as Audience | null, h.party, r.isSelfReferral)})`]
      .filter(Boolean)
      .join("\n"),
  }));
  const messages = r.messages.map((m): TimelineEntry => ({
    key: `m${m.id}`,
    at: m.at,
    who: m.authorLabel,
    kind: "message",
    title: `Message (${audienceLabel(m.audience as Audience, m.party, r.isSelfReferral)})`,
    body: m.body,
  }));
  const timeline = [...history, ...messages].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());

  return (
    <>
      <nav aria-label="Breadcrumb" className="ds_breadcrumbs">
        <ol className="ds_breadcrumbs__list">
          <li className="ds_breadcrumbs__item">
            <Link
              className="ds_breadcrumbs__link"
              to={r.party === "provider" ? "/provider/referrals" : r.party === "coordinator" ? "/coordinator/referrals" : "/referrals"}
            >
              {r.party === "provider" ? "Referral inbox" : "Referrals"}
            </Link>
          </li>
        </ol>
      </nav>
      <header className="ds_page-header">
        <span className="ds_page-header__label ds_content-label">
          Referral {r.reference}
          {r.isSelfReferral ? " · request from a family" : ""}
        </span>
        <h1 className="ds_page-header__title">
          {p ? (r.isSelfReferral ? `Request from ${p.parentName}` : p.childName) : `Referral ${r.reference}`} to {r.serviceName}
        </h1>
      </header>
      {done && DONE_MESSAGES[done] && (
        <div className="ds_inset-text" role="status">
          <p className="ds_inset-text__text">Done: {DONE_MESSAGES[done]}.</p>
        </div>
      )}
      {actionData?.conflict && (
        <div className="ds_error-summary" role="alert" aria-labelledby="conflict-title" tabIndex={-1}>
          <h2 className="ds_error-summary__title" id="conflict-title">
            Your change was not made
          </h2>
          <p>{actionData.conflict}</p>
        </div>
      )}
      <p>
        <StateTag state={r.state} /> {overdue && <OverdueTag />}
      </p>
      <dl className="ds_summary-list">
        <SummaryRow label="Service">
          {r.serviceName} ({r.organisationName})
        </SummaryRow>
        <SummaryRow label="Referred by">{r.isSelfReferral ? "The family (self-referral)" : r.referrerName}</SummaryRow>
        <SummaryRow label="Sent">
          {r.sentAt ? (
            <>
              {formatDateTime(r.sentAt)} (<Age sentAt={r.sentAt} nonWorkingDates={nonWorkingDates} />)
            </>
          ) : (
            "Not yet"
          )}
        </SummaryRow>
        <SummaryRow label="Urgency">
          <UrgencyText urgency={r.urgency} />
        </SummaryRow>
        {r.declineReason && <SummaryRow label="Reason for declining">{describeDecline(r.declineReason)}</SummaryRow>}
        {r.suggestedServiceId && r.suggestedServiceName && (
          <SummaryRow label="Service suggested instead">
            <Link to={`/services/${r.suggestedServiceId}`}>{r.suggestedServiceName}</Link>
            {r.party === "referrer" && (
              <>
                {" "}
                (<Link to={`/referrals/new?service=${r.suggestedServiceId}`}>refer to it</Link>)
              </>
            )}
          </SummaryRow>
        )}
        {r.closeOutcome && <SummaryRow label="Outcome">{describeOutcome(r.closeOutcome)}</SummaryRow>}
      </dl>
      {r.group.length > 0 && (
        <p>
          Linked referrals for this child (sent together, or referred on):{" "}
          {r.group.map((g, i) => (
            <span key={g.id}>
              {i > 0 && ", "}
              <Link to={`/referrals/${g.id}`}>{g.serviceName}</Link> ({STATE_LABELS[g.state].toLowerCase()})
            </span>
          ))}
        </p>
      )}

      <Actions referral={r} services={services} />
      {canReferElsewhere(r) && (
        <section aria-labelledby="elsewhere-heading">
          <h2 id="elsewhere-heading">Refer elsewhere</h2>
          <p>
            Start a new referral to another service with these details copied. You will check them and confirm the family's consent again before it is sent.
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="refer_elsewhere" />
            <div className="ds_question">
              <label className="ds_label" htmlFor="elsewhere-service">
                Service to refer to
              </label>
              <div className="ds_select-wrapper">
                <select className="ds_select" id="elsewhere-service" name="serviceId" defaultValue={r.suggestedServiceId ?? ""}>
                  <option value="">Choose on the next page</option>
                  {services.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name} ({s.organisationName}){s.id === r.suggestedServiceId ? " – suggested" : ""}
                    </option>
                  ))}
                </select>
                <span className="ds_select-arrow" aria-hidden="true" />
              </div>
            </div>
            <button type="submit" className="ds_button">
              Start a new referral with these details
            </button>
          </Form>
        </section>
      )}

      <h2>Needs</h2>
      {r.needs.length === 0 ? (
        <p>No wellbeing needs were listed.</p>
      ) : (
        <dl className="ds_summary-list" aria-label="Needs">
          {r.needs.map((n) => (
            <SummaryRow key={n.code} label={needName(n.code)}>
              {p ? n.description : "Hidden"}
              {r.needOutcomes?.[n.code] && <p>Outcome: {describeNeedOutcome(r.needOutcomes[n.code])}</p>}
            </SummaryRow>
          ))}
        </dl>
      )}

      {p ? (
        <>
          <h2>Child</h2>
          <dl className="ds_summary-list">
            <SummaryRow label="Name">{r.isSelfReferral ? "Not given" : p.childName}</SummaryRow>
            <SummaryRow label={p.childDateOfBirth ? "Date of birth" : "Age"}>
              {p.childDateOfBirth ?? (p.childAgeYears !== null ? `${p.childAgeYears} years` : null)}
            </SummaryRow>
            <SummaryRow label="Postcode">{p.childPostcode}</SummaryRow>
            <SummaryRow label="School or nursery">{p.childSchool}</SummaryRow>
          </dl>
          <h2>Parent or carer</h2>
          <dl className="ds_summary-list">
            <SummaryRow label="Name">
              {p.parentName} ({p.parentRelationship})
            </SummaryRow>
            <SummaryRow label="Phone">{p.parentPhone}</SummaryRow>
            <SummaryRow label="Email">{p.parentEmail}</SummaryRow>
            <SummaryRow label="Contact by">{CONTACT_PREFERENCES[p.contactPreference as keyof typeof CONTACT_PREFERENCES] ?? p.contactPreference}</SummaryRow>
            <SummaryRow label="Good times">{p.contactTimes}</SummaryRow>
            {(p.doNotLeaveVoicemail || p.doNotText) && (
              <SummaryRow label="Please do not">
                {[p.doNotLeaveVoicemail && "leave a voicemail", p.doNotText && "send text messages"].filter(Boolean).join(", or ")}
              </SummaryRow>
            )}
            <SummaryRow label="Language">
              {p.language || "English"}
              {p.interpreterNeeded ? " – needs an interpreter" : ""}
            </SummaryRow>
            <SummaryRow label="Accessibility needs">{p.accessibilityNeeds}</SummaryRow>
          </dl>
          <h2>About the referral</h2>
          <dl className="ds_summary-list">
            <SummaryRow label="Tried already">{p.tried}</SummaryRow>
            <SummaryRow label="What the family wants">{p.familyWants}</SummaryRow>
          </dl>
          <h2>Consent</h2>
          <dl className="ds_summary-list">
            <SummaryRow label="Given by">{p.consentGivenBy}</SummaryRow>
            <SummaryRow label="When and how">
              {p.consentDate}, {CONSENT_METHODS[p.consentMethod as keyof typeof CONSENT_METHODS]?.toLowerCase() ?? p.consentMethod}
            </SummaryRow>
            <SummaryRow label="Limits">{p.consentLimits || "None"}</SummaryRow>
            <SummaryRow label="The child's views">{p.childViews}</SummaryRow>
          </dl>
        </>
      ) : (
        <CoordinatorOpen lastResult={resultFor("open_details")} />
      )}

      <h2 id="timeline-heading">Timeline and messages</h2>
      <Timeline entries={timeline} label="Timeline and messages" />
      {r.party !== "coordinator" && r.state !== "draft" && <MessageForm lastResult={resultFor("message")} selfReferral={r.isSelfReferral} party={r.party} />}
      <ReferralAccessHistory entries={accessHistory} />
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Referral ${data.referral.reference} – FORT` : "Referral not found – FORT" }];

export function ErrorBoundary() {
  return <RouteErrorBoundary titles={{ 404: "Referral not found" }} back={{ to: "/referrals", label: "Back to referrals" }} />;
}
