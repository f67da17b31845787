// Retention (issue 18) for every copy of personal data other than finished referrals (app/reports/retention.server.ts):
// abandoned drafts, referrals nobody has touched for months, delivered mail bodies, and
// deactivated accounts. Each is a job in app/jobs; each run leaves an audit row with counts only.
import { sql } from "drizzle-orm";
import { audit } from "../audit/audit.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { type Database, getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { seal } from "./crypto.server";

const DAY_MS = 24 * 3600 * 1000;
/** How long before deletion a draft's owner sees the warning. */
export const DRAFT_WARNING_DAYS = 7;
export const FORMER_USER = "Former user";

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** When a draft last saved at `updatedAt` is deleted. */
export function draftExpiresAt(updatedAt: Date, days = config().DRAFT_RETENTION_DAYS) {
  return new Date(updatedAt.getTime() + days * DAY_MS);
}

/** Deletes drafts nobody has saved for DRAFT_RETENTION_DAYS; returns how many. */
export async function deleteAbandonedDrafts(days = config().DRAFT_RETENTION_DAYS): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(clock.now().getTime() - days * DAY_MS);
  return db.transaction(async (tx) => {
    const deleted = rowsOf<{ id: string }>(
      await tx.execute(sql`delete from referral_drafts where updated_at < ${cutoff.toISOString()}::timestamptz returning id`),
    );
    await audit({ actorId: null, action: "drafts_expired", subjectType: "referral_draft", details: { count: deleted.length, retentionDays: days } }, tx);
    return deleted.length;
  });
}

const PRIVACY = "For the child's privacy this email has no personal details in it. Sign in to FORT to read the referral.";
export const INACTIVE_NOTE = "Closed by FORT: nothing has happened on this referral for a long time. If the family still needs help, make a new referral.";

/**
 * Closes every open referral (sent, information requested, accepted, in progress) with no activity for
 * INACTIVE_REFERRAL_MONTHS, as "no longer active", with a note on its timeline and an email to the service, the
 * referrer and the coordinators. From then on the normal retention period runs from the closing date.
 */
export async function closeInactiveReferrals(months = config().INACTIVE_REFERRAL_MONTHS): Promise<number> {
  const db = await getDb();
  const now = clock.now().toISOString();
  return db.transaction(async (tx) => {
    const closed = rowsOf<{ id: string; reference: string; from_state: string; referrer_id: string | null; service_name: string; intake_email: string | null }>(
      await tx.execute(sql`
        with stale as (
          select id, state from referrals
          where state in ('sent', 'info_requested', 'accepted', 'in_progress')
            and last_activity_at < ${now}::timestamptz - make_interval(months => ${months})
          for update skip locked
        )
        update referrals r set state = 'closed', close_outcome = 'no_longer_active', closed_at = ${now}::timestamptz,
          version = r.version + 1, updated_at = ${now}::timestamptz, updated_by = null, updated_by_label = 'FORT',
          last_activity_at = ${now}::timestamptz, last_activity_party = 'coordinator'
        from stale, services s, organisations o
        where r.id = stale.id and s.id = r.service_id and o.id = r.organisation_id
        returning r.id, r.reference, stale.state as from_state, r.referrer_id, s.name as service_name, o.intake_email`),
    );
    if (closed.length === 0) {
      await audit({ actorId: null, action: "inactive_referrals_closed", subjectType: "referral", details: { count: 0, inactiveMonths: months } }, tx);
      return 0;
    }
    for (const r of closed) {
      await tx.execute(sql`
        insert into referral_history (referral_id, at, actor_label, party, action, from_state, to_state, reason, note)
        values (${r.id}::uuid, ${now}::timestamptz, 'FORT', 'coordinator', 'close', ${r.from_state}::referral_state, 'closed', 'No longer active', ${seal(INACTIVE_NOTE)})`);
    }
    await notifyInactiveClosed(tx, closed, months);
    await audit({ actorId: null, action: "inactive_referrals_closed", subjectType: "referral", details: { count: closed.length, inactiveMonths: months } }, tx);
    return closed.length;
  });
}

async function notifyInactiveClosed(
  tx: Database,
  closed: { id: string; reference: string; referrer_id: string | null; service_name: string; intake_email: string | null }[],
  months: number,
) {
  const base = config().APP_URL;
  const referrers = rowsOf<{ id: string; email: string }>(await tx.execute(sql`select id, email from users where active and role = 'referrer'`));
  const referrerEmail = new Map(referrers.map((u) => [u.id, u.email]));
  for (const r of closed) {
    const text = `Referral ${r.reference} to ${r.service_name} has been closed as no longer active: nothing had happened on it for ${months} months.\n\nOpen it: ${base}/referrals/${r.id}\n\n${PRIVACY}\n`;
    const subject = `Referral ${r.reference} closed as no longer active`;
    if (r.intake_email) await queueMail({ to: r.intake_email, subject, text }, tx);
    const to = r.referrer_id ? referrerEmail.get(r.referrer_id) : undefined;
    if (to) await queueMail({ to, subject, text }, tx);
  }
  const coordinators = rowsOf<{ email: string }>(await tx.execute(sql`select email from users where role = 'coordinator' and active`));
  const lines = closed.map((r) => `- ${r.reference} to ${r.service_name}: ${base}/referrals/${r.id}`).join("\n");
  for (const c of coordinators) {
    await queueMail(
      {
        to: c.email,
        subject: `${closed.length} inactive referral${closed.length === 1 ? "" : "s"} closed on FORT`,
        text: `No activity for ${months} months, now closed as no longer active:\n\n${lines}\n`,
      },
      tx,
    );
  }
}

/**
 * Empties the body of every email delivered (or given up on) more than MAIL_BODY_RETENTION_DAYS ago and replaces its
 * recipient with a SHA-256 of the address: the subject, status and dates stay for the audit trail.
 */
export async function purgeDeliveredMailBodies(days = config().MAIL_BODY_RETENTION_DAYS): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(clock.now().getTime() - days * DAY_MS).toISOString();
  return db.transaction(async (tx) => {
    const purged = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update mail_outbox set text = '', "to" = 'sha256:' || encode(sha256(convert_to(lower("to"), 'UTF8')), 'hex')
        where status in ('sent', 'failed') and coalesce(sent_at, created_at) < ${cutoff}::timestamptz and "to" not like 'sha256:%'
        returning id`),
    );
    await audit({ actorId: null, action: "mail_bodies_purged", subjectType: "mail", details: { count: purged.length, retentionDays: days } }, tx);
    return purged.length;
  });
}

/**
 * Replaces the name and email of accounts deactivated more than DEACTIVATED_ACCOUNT_RETENTION_MONTHS ago, here and
 * wherever the name was copied (timelines, messages). Rows keep their ids, so the audit trail still links up.
 */
export async function anonymiseDeactivatedAccounts(months = config().DEACTIVATED_ACCOUNT_RETENTION_MONTHS): Promise<number> {
  const db = await getDb();
  const now = clock.now().toISOString();
  return db.transaction(async (tx) => {
    const users = rowsOf<{ id: string }>(
      await tx.execute(sql`
        update users set name = ${FORMER_USER}, email = 'removed-' || id || '@invalid', job_title = null, password_hash = null
        where not active and deactivated_at < ${now}::timestamptz - make_interval(months => ${months}) and email not like 'removed-%@invalid'
        returning id`),
    );
    await audit({ actorId: null, action: "accounts_anonymised", subjectType: "user", details: { count: users.length, retentionMonths: months } }, tx);
    if (users.length === 0) return 0;
    const ids = sql.join(
      users.map((u) => sql`${u.id}::uuid`),
      sql`, `,
    );
    await tx.execute(sql`update referral_history set actor_label = ${FORMER_USER} where actor_id in (${ids})`);
    await tx.execute(sql`update referral_messages set author_label = ${FORMER_USER} where author_id in (${ids})`);
    await tx.execute(sql`update referrals set updated_by_label = ${FORMER_USER} where updated_by in (${ids})`);
    await tx.execute(sql`delete from sessions where user_id in (${ids})`);
    return users.length;
  });
}
