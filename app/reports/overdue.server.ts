// Overdue flags: a referral nobody has answered within REFERRAL_OVERDUE_WORKING_DAYS is flagged once to the
// receiving organisation and to the coordinators (again only if it is forwarded and goes unanswered there too).
import { sql } from "drizzle-orm";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { overdueCutoff } from "../calendar/working-days";
import { nonWorkingDates } from "../calendar/non-working-days.server";

export async function flagOverdueReferrals(): Promise<number> {
  const now = clock.now();
  const days = config().REFERRAL_OVERDUE_WORKING_DAYS;
  const cutoff = overdueCutoff(now, days, await nonWorkingDates());
  const db = await getDb();
  return db.transaction(async (tx) => {
    const result = await tx.execute(sql`
      with due as (
        select id from referrals
        where state = 'sent' and first_response_at is null and sent_at < ${cutoff.toISOString()}::timestamptz
          and (overdue_notified_at is null or overdue_notified_at < sent_at)
        for update skip locked
      )
      update referrals r set overdue_notified_at = ${now.toISOString()}::timestamptz
      from due, services s, organisations o
      where r.id = due.id and s.id = r.service_id and o.id = r.organisation_id
      returning r.id, r.reference, s.name as service_name, o.intake_email`);
    const due = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as {
      id: string;
      reference: string;
      service_name: string;
      intake_email: string | null;
    }[];
    if (due.length === 0) return 0;
    const found = await tx.execute(sql`select email from users where role = 'coordinator' and active`);
    const coordinators = (Array.isArray(found) ? found : (found as unknown as { rows: unknown[] }).rows) as { email: string }[];
    const base = config().APP_URL;
    const privacy = "For the child's privacy this email has no personal details in it. Sign in to FORT to read the referral.";
    for (const r of due) {
      const text = `Referral ${r.reference} to ${r.service_name} has had no response for more than ${days} working days.\n\nOpen it: ${base}/referrals/${r.id}\n\n${privacy}\n`;
      if (r.intake_email) await queueMail({ to: r.intake_email, subject: `Overdue: referral ${r.reference} is waiting for a response`, text }, tx);
    }
    if (coordinators.length) {
      const lines = due.map((r) => `- ${r.reference} to ${r.service_name}: ${base}/referrals/${r.id}`).join("\n");
      for (const c of coordinators) {
        await queueMail(
          {
            to: c.email,
            subject: `${due.length} referral${due.length === 1 ? " is" : "s are"} overdue on FORT`,
            text: `No response for more than ${days} working days:\n\n${lines}\n\nAll overdue referrals: ${base}/coordinator/referrals?overdue=on\n`,
          },
          tx,
        );
      }
    }
    return due.length;
  });
}
