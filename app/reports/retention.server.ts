// Retention: a finished referral (closed, declined, withdrawn) keeps its personal details for
// REFERRAL_RETENTION_MONTHS after it finished, then loses them for good. What reports need stays:
// state, dates, service, need codes and outcomes, ward and sector. The audit log records each run.
import { sql } from "drizzle-orm";
import { audit } from "../audit/audit.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { type Database, getDb } from "../db.server";

export const REMOVED = "(removed after the retention period)";

/** Anonymises every finished referral past the retention period; returns how many. Safe to run again. */
export async function anonymiseExpiredReferrals(months = config().REFERRAL_RETENTION_MONTHS): Promise<number> {
  const db = await getDb();
  const now = clock.now();
  return db.transaction(async (tx) => {
    const result = await tx.execute(sql`
      with expired as (
        select id from referrals
        where state in ('closed', 'declined', 'withdrawn') and anonymised_at is null
          and coalesce(closed_at, updated_at) < ${now.toISOString()}::timestamptz - make_interval(months => ${months})
        for update skip locked
      )
      update referrals r set
        child_name = ${REMOVED}, child_date_of_birth = null, child_age_years = null, child_postcode = null, child_school = null,
        parent_name = ${REMOVED}, parent_relationship = null, parent_phone = null, parent_email = null, contact_times = null,
        tried = null, family_wants = ${REMOVED}, language = null, interpreter_needed = false, accessibility_needs = null,
        consent_given_by = ${REMOVED}, consent_limits = null, child_views = null, secret_hash = null, subject_index = null,
        needs = coalesce((select jsonb_agg(jsonb_build_object('code', n->>'code', 'description', '')) from jsonb_array_elements(r.needs) n), '[]'::jsonb),
        decline_reason = case when r.decline_reason like 'other%' then 'other' else r.decline_reason end,
        close_outcome = case when r.close_outcome like 'other%' then 'other' else r.close_outcome end,
        anonymised_at = ${now.toISOString()}::timestamptz
      from expired where r.id = expired.id
      returning r.id`);
    const ids = (Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows) as { id: string }[];
    if (ids.length === 0) return 0;
    await removeReferralConversation(
      tx,
      ids.map((r) => r.id),
    );
    await audit(
      {
        actorId: null,
        action: "referrals_anonymised",
        subjectType: "referral",
        details: { count: ids.length, retentionMonths: months, referralIds: ids.map((r) => r.id) },
      },
      tx,
    );
    return ids.length;
  });
}

/** Messages go; the timeline keeps who did what and when, without notes and free-text reasons. */
async function removeReferralConversation(tx: Database, ids: string[]) {
  if (ids.length === 0) return;
  const idList = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  await tx.execute(sql`delete from referral_messages where referral_id in (${idList})`);
  await tx.execute(sql`update referral_history set note = null, reason = null where referral_id in (${idList})`);
}

/**
 * The same anonymisation as retention, now, for the given referrals (erasure on request, issue 18); in the caller's
 * transaction. Returns the ids it anonymised (those not already anonymised).
 */
export async function anonymiseReferralsNow(tx: Database, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const now = clock.now().toISOString();
  const idList = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const result = await tx.execute(sql`
    update referrals r set
      child_name = ${REMOVED}, child_date_of_birth = null, child_age_years = null, child_postcode = null, child_school = null,
      parent_name = ${REMOVED}, parent_relationship = null, parent_phone = null, parent_email = null, contact_times = null,
      tried = null, family_wants = ${REMOVED}, language = null, interpreter_needed = false, accessibility_needs = null,
      consent_given_by = ${REMOVED}, consent_limits = null, child_views = null, secret_hash = null, subject_index = null,
      needs = coalesce((select jsonb_agg(jsonb_build_object('code', n->>'code', 'description', '')) from jsonb_array_elements(r.needs) n), '[]'::jsonb),
      decline_reason = case when r.decline_reason like 'other%' then 'other' else r.decline_reason end,
      close_outcome = case when r.close_outcome like 'other%' then 'other' else r.close_outcome end,
      anonymised_at = ${now}::timestamptz
    where r.id in (${idList}) and r.anonymised_at is null
    returning r.id`);
  const done = ((Array.isArray(result) ? result : (result as unknown as { rows: { id: string }[] }).rows) as { id: string }[]).map((r) => r.id);
  await removeReferralConversation(tx, done);
  return done;
}
