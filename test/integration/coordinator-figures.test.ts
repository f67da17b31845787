// The coordinator's referral page counts every referral, not the rows it lists, and its median response time is
// the reports page's: checked with more referrals than any list shows.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { workingDaysSince } from "~/calendar/working-days";
import { nonWorkingDates } from "~/calendar/non-working-days.server";
import { getDb } from "~/db.server";
import { INBOX_TABS } from "~/referrals/inbox";
import { LIST_LIMIT, coordinatorOverview } from "~/referrals/queries.server";
import { REFERRAL_STATES, type ReferralState } from "~/referrals/state-machine";
import { dashboard } from "~/reports/reports.server";
import { SERVICE_A, SERVICE_B, demoUsers, serviceId } from "./referrals-helpers";

const N = 5000;
const STATES = REFERRAL_STATES.filter((st) => st !== "draft");
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 0, 5, 10); // a Monday, 10:00 UTC

// Referral i: state STATES[i % 7], sent (i % 40) days after BASE, answered (i % 9) days later unless still "sent".
const stateOf = (i: number) => STATES[i % STATES.length]! as ReferralState;
const sentOf = (i: number) => new Date(BASE + (i % 40) * DAY);
const respondedOf = (i: number) => (stateOf(i) === "sent" ? null : new Date(BASE + (i % 40) * DAY + (i % 9) * DAY));

/** percentile_cont(0.5), worked out by hand. */
function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = 0.5 * (sorted.length - 1);
  return sorted[Math.floor(at)]! + (at - Math.floor(at)) * (sorted[Math.ceil(at)]! - sorted[Math.floor(at)]!);
}

let u: Awaited<ReturnType<typeof demoUsers>>;

beforeAll(async () => {
  u = await demoUsers();
  const db = await getDb();
  const services = [await serviceId(SERVICE_A), await serviceId(SERVICE_B)];
  await db.execute(sql`truncate referrals cascade`);
  await db.execute(sql`
    insert into referrals (group_id, reference, service_id, organisation_id, state, child_name, parent_name, contact_preference,
      family_wants, consent_given_by, consent_date, consent_method, sent_at, first_response_at)
    select gen_random_uuid(), 'FR-T' || lpad(i::text, 4, '0') || '-FIG', sv.id, sv.organisation_id,
      (${sql.raw(`array[${STATES.map((st) => `'${st}'`).join(",")}]`)}::referral_state[])[i % ${STATES.length} + 1],
      'Test Child', 'Test Parent', 'phone', 'help', 'Test Parent', '2026-01-01', 'verbal',
      ${new Date(BASE).toISOString()}::timestamptz + ((i % 40) || ' days')::interval,
      case when i % ${STATES.length} = ${STATES.indexOf("sent")} then null
        else ${new Date(BASE).toISOString()}::timestamptz + ((i % 40 + i % 9) || ' days')::interval end
    from generate_series(0, ${N - 1}) as i
    join services sv on sv.id = (array[${sql.join(
      services.map((id) => sql`${id}::uuid`),
      sql`, `,
    )}])[i % 2 + 1]`);
}, 120_000);

describe("the coordinator's referral figures", () => {
  it(`count all ${N} referrals by state and give the median working days to a first response`, async () => {
    const { items, figures } = await coordinatorOverview(u.coordinator, {});
    expect(items).toHaveLength(LIST_LIMIT);
    expect(figures.total).toBe(N);
    const indexes = Array.from({ length: N }, (_, i) => i);
    for (const state of STATES) {
      expect(figures.byState.find((f) => f.state === state)?.count, state).toBe(indexes.filter((i) => stateOf(i) === state).length);
    }
    const holidays = await nonWorkingDates();
    const responded = indexes.filter((i) => respondedOf(i)).map((i) => workingDaysSince(sentOf(i), respondedOf(i)!, holidays));
    expect(figures.medianWorkingDaysToFirstResponse).toBeCloseTo(median(responded), 9);
  });

  it("agree with the reports page over the same referrals", async () => {
    const { figures } = await coordinatorOverview(u.coordinator, {});
    const report = await dashboard(u.coordinator, { from: "2026-01-01", to: "2026-12-31" });
    expect(report.summary.total).toBe(figures.total);
    expect(report.summary.responseMedian).toBeCloseTo(figures.medianWorkingDaysToFirstResponse!, 9);
    expect(report.summary.declined).toBe(figures.byState.find((f) => f.state === "declined")!.count);
  });

  it("narrowed to a tab, count only that tab's referrals", async () => {
    const { figures } = await coordinatorOverview(u.coordinator, { tab: "new" });
    const newStates: readonly string[] = INBOX_TABS.new.states;
    expect(figures.total).toBe(Array.from({ length: N }, (_, i) => i).filter((i) => newStates.includes(stateOf(i))).length);
  });
});
