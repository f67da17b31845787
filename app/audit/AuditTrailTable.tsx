// One table of audit entries: the audit page and a referral's own access history use it.
import type { AuditTrailEntry } from "./audit-trail.server";

const WHEN = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" });

export function AuditTrailTable({ entries, caption, showReference = true }: { entries: AuditTrailEntry[]; caption: string; showReference?: boolean }) {
  return (
    <table className="ds_table fort-audit">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">Organisation</th>
          <th scope="col">What</th>
          {showReference && <th scope="col">About</th>}
          <th scope="col">Reason given</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.key}>
            <td>
              <time dateTime={e.at}>{WHEN.format(new Date(e.at))}</time>
            </td>
            <td>
              {e.person}
              {e.role && <span className="ds_hint-text"> ({e.role})</span>}
            </td>
            <td>{e.organisation}</td>
            <td>{e.what}</td>
            {showReference && <td>{e.subject}</td>}
            <td>{e.reason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A referral's own access history, for coordinators on the referral's page. */
export function ReferralAccessHistory({ entries }: { entries: AuditTrailEntry[] | null | undefined }) {
  if (!entries) return null;
  return (
    <section aria-labelledby="access-history-heading" className="fort-access-history">
      <h2 id="access-history-heading">Who has seen or changed this referral</h2>
      {entries.length === 0 ? (
        <p>No one has opened its personal details yet.</p>
      ) : (
        <AuditTrailTable entries={entries} caption="Access history, newest first" showReference={false} />
      )}
    </section>
  );
}
