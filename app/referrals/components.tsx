// Pieces of the referral pages shared by the referrer's, provider's, coordinator's and family's views.
import { Link, useLocation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { SHANARRI } from "~/directory/taxonomy";
import { CLOSE_OUTCOMES, DECLINE_REASONS, NEED_OUTCOMES, STATE_LABELS, SYSTEM_CLOSE_OUTCOMES, type ReferralState } from "./state-machine";
import { URGENCY_LABELS } from "./forms";
import { describeAge, type NonWorkingDates } from "../calendar/working-days";

const STATE_TAG: Record<ReferralState, string> = {
  draft: "ds_tag--grey",
  sent: "ds_tag--blue",
  info_requested: "ds_tag--orange",
  info_received: "ds_tag--blue",
  accepted: "ds_tag--green",
  declined: "ds_tag--red",
  in_progress: "ds_tag--green",
  closed: "ds_tag--grey",
  withdrawn: "ds_tag--grey",
};

/** The state as a coloured tag; `label` gives the words in another language (the family's page). */
export function StateTag({ state, label }: { state: ReferralState; label?: string }) {
  return <strong className={`ds_tag ${STATE_TAG[state]}`}>{label ?? STATE_LABELS[state]}</strong>;
}

export function UrgencyText({ urgency }: { urgency: keyof typeof URGENCY_LABELS }) {
  return urgency === "urgent" ? <strong>{URGENCY_LABELS[urgency]}</strong> : <>{URGENCY_LABELS[urgency]}</>;
}

export function OverdueTag() {
  return <strong className="ds_tag ds_tag--red fort-status">Overdue</strong>;
}

export function needName(code: string) {
  return SHANARRI.find((s) => s.code === code)?.name ?? code;
}

/** "other: free text" is stored with its prefix; everything else is a code. */
export function describeDecline(reason: string | null) {
  if (!reason) return null;
  if (reason.startsWith("other: ")) return `Other: ${reason.slice(7)}`;
  return DECLINE_REASONS[reason as keyof typeof DECLINE_REASONS] ?? reason;
}

export function describeOutcome(outcome: string | null) {
  if (!outcome) return null;
  if (outcome.startsWith("other: ")) return `Other: ${outcome.slice(7)}`;
  return ({ ...CLOSE_OUTCOMES, ...SYSTEM_CLOSE_OUTCOMES } as Record<string, string>)[outcome] ?? outcome;
}

export function describeNeedOutcome(value: string | undefined) {
  return value ? (NEED_OUTCOMES[value as keyof typeof NEED_OUTCOMES] ?? value) : "Not recorded";
}

const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "Europe/London",
});
export function formatDateTime(value: Date | string) {
  return DATE_TIME.format(new Date(value));
}

/** How long ago, in working days; the loader passes the non-working days (holidays change at runtime). */
export function Age({ sentAt, nonWorkingDates }: { sentAt: Date | string | null; nonWorkingDates: NonWorkingDates }) {
  if (!sentAt) return null;
  return <>{describeAge(new Date(sentAt), new Date(), nonWorkingDates)}</>;
}

export function SummaryRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="ds_summary-list__item">
      <dt className="ds_summary-list__key">{label}</dt>
      <dd className="ds_summary-list__value">{children || "Not given"}</dd>
    </div>
  );
}

export interface TimelineEntry {
  key: string;
  at: Date | string;
  who: string;
  title: string;
  body?: string | null;
  kind: "change" | "message";
  extra?: ReactNode;
}

export function Timeline({ entries, label = "Timeline" }: { entries: TimelineEntry[]; label?: string }) {
  if (entries.length === 0) return <p>Nothing has happened yet.</p>;
  return (
    <ol className="fort-timeline" aria-label={label}>
      {entries.map((e) => (
        <li key={e.key} className={`fort-timeline__item fort-timeline__item--${e.kind}`}>
          <p className="fort-timeline__meta">
            <strong>{e.title}</strong> · {e.who} · <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at)}</time>
          </p>
          {e.body && <p className="fort-timeline__body">{e.body}</p>}
          {e.extra}
        </li>
      ))}
    </ol>
  );
}

/**
 * Keeps the page current while it is open: the server pushes a note (server-sent events) whenever a referral
 * this user may see changes, and the page reloads its data in the background. Nothing happens before JS loads.
 */
export function LiveUpdates({ enabled }: { enabled: boolean }) {
  const revalidator = useRevalidator();
  const location = useLocation();
  const pending = useRef<ReturnType<typeof setTimeout>>();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  // The referral form autosaves; reloading its data under the referrer's fingers helps nobody.
  const paused = location.pathname === "/referrals/new" || location.pathname.startsWith("/services/");
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || paused || typeof EventSource === "undefined") return;
    const source = new EventSource("/referrals/events");
    source.addEventListener("open", () => setConnected(true));
    source.addEventListener("error", () => setConnected(false));
    source.addEventListener("referral", () => {
      clearTimeout(pending.current);
      pending.current = setTimeout(() => revalidate.current(), 150);
    });
    return () => {
      clearTimeout(pending.current);
      source.close();
      setConnected(false);
    };
  }, [enabled, paused]);
  return <span hidden data-live={connected ? "connected" : "off"} />;
}

export function ReferralLink({ id, children }: { id: string; children: ReactNode }) {
  return <Link to={`/referrals/${id}`}>{children}</Link>;
}

export interface ListedReferral {
  id: string;
  reference: string;
  state: ReferralState;
  urgency: keyof typeof URGENCY_LABELS;
  serviceName: string;
  organisationName: string;
  referrerName: string | null;
  isSelfReferral: boolean;
  childName: string | null;
  sentAt: Date | string | null;
  declineReason: string | null;
  closeOutcome: string | null;
  overdue: boolean;
  changed: boolean;
}

/** A table of referrals; columns depend on who is looking (a coordinator sees no names). */
export function ReferralTable({
  items,
  caption,
  show,
  nonWorkingDates,
}: {
  items: ListedReferral[];
  caption: string;
  /** From the loader (nonWorkingDatesFor), for "sent n working days ago". */
  nonWorkingDates: NonWorkingDates;
  show: { child?: boolean; service?: boolean; referrer?: boolean; organisation?: boolean };
}) {
  if (items.length === 0) return <p>None.</p>;
  return (
    <div className="fort-table-wrap">
      <table className="ds_table" data-testid={caption}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Referral</th>
            {show.child && <th scope="col">Child</th>}
            {show.service && <th scope="col">Service</th>}
            {show.organisation && <th scope="col">Organisation</th>}
            {show.referrer && <th scope="col">Referred by</th>}
            <th scope="col">Urgency</th>
            <th scope="col">Sent</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={r.id} className={r.changed ? "fort-new" : undefined}>
              <td className="fort-nowrap">
                <Link to={`/referrals/${r.id}`}>{r.reference}</Link>
                {r.changed && <span className="ds_tag ds_tag--blue fort-status">New</span>}
              </td>
              {show.child && <td>{r.childName}</td>}
              {show.service && <td>{r.serviceName}</td>}
              {show.organisation && <td>{r.organisationName}</td>}
              {show.referrer && <td>{r.isSelfReferral ? "Family (self-referral)" : r.referrerName}</td>}
              <td>
                <UrgencyText urgency={r.urgency} />
              </td>
              <td>
                <Age sentAt={r.sentAt} nonWorkingDates={nonWorkingDates} />
                {r.overdue && <OverdueTag />}
              </td>
              <td>
                <StateTag state={r.state} />
                {r.declineReason && <p>{describeDecline(r.declineReason)}</p>}
                {r.closeOutcome && <p>{describeOutcome(r.closeOutcome)}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
