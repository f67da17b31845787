import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DEMO_REFERRAL_COUNT, seedDemoReferralHistory } from "../../db/seed/demo-referrals";
import { getDb } from "~/db.server";
import { CLOSE_OUTCOMES, DECLINE_REASONS } from "~/referrals/state-machine";
import { rowsOf } from "~/reports/reports.server";

describe("the demo referral history", () => {
  it("loads a year of referrals in every state, every decline reason and close outcome, overdue ones and self-referrals, once", async () => {
    const db = await getDb();
    const now = new Date();
    expect(await seedDemoReferralHistory(db, now)).toBe(DEMO_REFERRAL_COUNT);
    expect(await seedDemoReferralHistory(db, now)).toBe(0);

    const states = await rowsOf<{ state: string; n: number }>(sql`select state::text, count(*)::int as n from referrals group by state`);
    expect(states.map((r) => r.state).sort()).toEqual(["accepted", "closed", "declined", "in_progress", "info_requested", "sent", "withdrawn"]);
    const reasons = await rowsOf<{ v: string }>(sql`select distinct decline_reason as v from referrals where state = 'declined'`);
    expect(reasons.map((r) => r.v).sort()).toEqual(Object.keys(DECLINE_REASONS).sort());
    const outcomes = await rowsOf<{ v: string }>(sql`select distinct close_outcome as v from referrals where state = 'closed'`);
    expect(outcomes.map((r) => r.v).sort()).toEqual(Object.keys(CLOSE_OUTCOMES).sort());

    const [facts] = await rowsOf<{ self: number; overdue: number; wards: number; months: number; unanswered: number }>(sql`
      select count(*) filter (where is_self_referral)::int as self,
        count(*) filter (where state = 'sent' and first_response_at is null and sent_at < now() - interval '10 days')::int as overdue,
        count(distinct ward_code)::int as wards,
        count(distinct sent_month)::int as months,
        count(*) filter (where sent_at is null)::int as unanswered
      from referrals`);
    expect(facts!.self).toBeGreaterThan(20);
    expect(facts!.overdue).toBeGreaterThan(0);
    expect(facts!.wards).toBe(8);
    expect(facts!.months).toBeGreaterThanOrEqual(12);
    expect(facts!.unanswered).toBe(0);
    // Each referral's timeline starts with its sending.
    const [timeline] = await rowsOf<{ missing: number }>(
      sql`select count(*)::int as missing from referrals r where not exists (select 1 from referral_history h where h.referral_id = r.id and h.action = 'submit')`,
    );
    expect(timeline!.missing).toBe(0);
    // Stored as real referrals are (issue 18): no child's or parent's name in the clear; each professional referral
    // (with a date of birth, unlike a family's own request) findable by its blind index.
    const [plain] = await rowsOf<{ names: number; unindexed: number }>(sql`
      select count(*) filter (where child_name not like 'enc1:%' or parent_name not like 'enc1:%' or family_wants not like 'enc1:%')::int as names,
        count(*) filter (where subject_index is null and not is_self_referral)::int as unindexed
      from referrals`);
    expect(plain).toEqual({ names: 0, unindexed: 0 });
  });
});
