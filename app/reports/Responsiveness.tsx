import type { Responsiveness } from "./responsiveness.server";

/** "Usually responds within N working days" and the share accepted, on a service's page; nothing until there is enough data. */
export function ServiceResponsiveness({ stats }: { stats: Responsiveness | null }) {
  if (!stats) return null;
  const days = stats.usualResponseWorkingDays;
  return (
    <section aria-labelledby="responsiveness-heading">
      <h2 id="responsiveness-heading">How this service responds to referrals</h2>
      <ul>
        {days !== null && (
          <li>{days === 0 ? "Usually responds on the day it receives a referral" : `Usually responds within ${days} working day${days === 1 ? "" : "s"}`}</li>
        )}
        {stats.acceptedShare !== null && <li>Accepts {Math.round(stats.acceptedShare * 100)}% of the referrals it decides on</li>}
      </ul>
      <p className="ds_hint-text">From referrals sent through FORT in the last 12 months.</p>
    </section>
  );
}
