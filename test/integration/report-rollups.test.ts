// Monthly roll-ups of the dashboard (issue 14): whatever mix of rolled-up, changed and current months a range
// covers, the dashboard must show exactly what the live SQL over the referrals shows.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { clock } from "~/clock.server";
import type { ReportFilters } from "~/reports/filters";
import { dashboard, rowsOf } from "~/reports/reports.server";
import { refreshReportRollups } from "~/reports/rollups.server";
import type { ReferralState } from "~/referrals/state-machine";
import { DEMO } from "../helpers";
import { SERVICE_A, SERVICE_B, demoUser } from "./referrals-helpers";
import { WARD, seedReferrals, type Seed } from "./reports-helpers";

let coordinator: CurrentUser;
const today = clock.now();
const iso = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => iso(new Date(today.getTime() - n * 86_400_000));
const monthStart = (monthsBack: number) => iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - monthsBack, 1)));

// A fixed pseudo-random mix over the last 14 months, today included: every state, ward, need and outcome.
function seeds(): Seed[] {
  let x = 42;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
  const states: ReferralState[] = ["sent", "info_requested", "accepted", "in_progress", "declined", "closed", "withdrawn"];
  const needs = ["safe", "healthy", "achieving", "nurtured", "active", "respected", "responsible", "included"];
  const list: Seed[] = [];
  for (let i = 0; i < 90; i++) {
    const age = i < 6 ? i % 3 : Math.floor(next() * 420);
    const state = pick(states);
    const sentAt = new Date(today.getTime() - age * 86_400_000 - 3_600_000);
    const later = (d: number) => new Date(Math.min(today.getTime(), sentAt.getTime() + d * 86_400_000)).toISOString();
    list.push({
      service: pick([SERVICE_A, SERVICE_B]),
      state,
      sent: sentAt.toISOString(),
      responded: state === "sent" || state === "withdrawn" ? undefined : later(1 + Math.floor(next() * 9)),
      closed: ["declined", "closed", "withdrawn"].includes(state) ? later(10 + Math.floor(next() * 30)) : undefined,
      ward: pick([WARD.lochee, WARD.coldside, WARD.maryfield, WARD.westEnd, null]),
      needs: next() < 0.5 ? [pick(needs)] : [pick(needs), pick(needs)].filter((v, k, a) => a.indexOf(v) === k),
      declineReason: state === "declined" ? pick(["no_capacity", "not_eligible", "other: the Smiths"]) : undefined,
      closeOutcome: state === "closed" ? pick(["needs_met", "family_disengaged", "other: named"]) : undefined,
      needOutcomes: state === "closed" ? { nurtured: pick(["met", "partly_met", "not_met"]) } : undefined,
    });
  }
  return list;
}

const RANGES: [string, ReportFilters][] = [
  ["the last twelve months", { from: monthStart(11), to: iso(today) }],
  ["fourteen months starting and ending mid-month", { from: daysAgo(430).slice(0, 8) + "17", to: daysAgo(20) }],
  ["one whole past month", { from: monthStart(3), to: iso(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 2, 0))) }],
  ["the current month only", { from: monthStart(0), to: iso(today) }],
  ["a year, one ward and one need (always live)", { from: monthStart(11), to: iso(today), ward: WARD.lochee, need: "nurtured" }],
];

async function expectSameAsLive() {
  for (const [name, f] of RANGES) {
    expect(await dashboard(coordinator, f), name).toEqual(await dashboard(coordinator, f, { live: true }));
  }
}

async function rolledUpMonths() {
  const [row] = await rowsOf<{ n: number }>(sql`select count(*)::int as n from referral_rollup_months m
    where not exists (select 1 from referral_rollup_dirty d where d.period = m.period)`);
  return row!.n;
}

beforeAll(async () => {
  coordinator = await demoUser(DEMO.coordinator);
  await seedReferrals(seeds());
});

describe("dashboard roll-ups", () => {
  it("rolls up whole past months only, and the figures equal the live SQL", async () => {
    expect(await refreshReportRollups()).toBeGreaterThanOrEqual(13);
    expect(await rolledUpMonths()).toBeGreaterThanOrEqual(13);
    const [current] = await rowsOf<{ n: number }>(sql`select count(*)::int as n from referral_rollup_months where period >= ${monthStart(0)}::date`);
    expect(current!.n).toBe(0);
    await expectSameAsLive();
    // A second run finds nothing changed.
    expect(await refreshReportRollups()).toBe(0);
  });

  it("answers whole past months from the roll-ups (a tampered roll-up shows)", async () => {
    const db = await getDb();
    const f = RANGES[0]![1];
    const before = (await dashboard(coordinator, f)).summary.total;
    await db.execute(sql`update referral_month_rollups set n = n * 2`);
    expect((await dashboard(coordinator, f)).summary.total).toBeGreaterThan(before);
    await db.execute(sql`delete from referral_rollup_months`);
    expect((await dashboard(coordinator, f)).summary.total).toBe(before);
    await refreshReportRollups();
    expect((await dashboard(coordinator, f)).summary.total).toBe(before);
  });

  it("stays equal to the live SQL when old referrals change or go, before and after the job catches up", async () => {
    const db = await getDb();
    const old = sql`(select id from referrals where sent_at < ${monthStart(2)}::timestamptz order by sent_at limit 40)`;
    await db.execute(sql`update referrals set state = 'closed', closed_at = now(), first_response_at = coalesce(first_response_at, sent_at), close_outcome = 'needs_met'
      where id in ${old} and state = 'sent'`);
    await db.execute(sql`update referrals set ward_code = ${WARD.westEnd} where id in ${old} and ward_code is null`);
    await db.execute(
      sql`update referrals set sent_at = sent_at - interval '40 days' where id in (select id from referrals where state = 'accepted' and sent_at < ${monthStart(2)}::timestamptz limit 3)`,
    );
    await db.execute(
      sql`delete from referrals where id in (select id from referrals where state = 'withdrawn' and sent_at < ${monthStart(1)}::timestamptz limit 3)`,
    );
    expect(await rolledUpMonths()).toBeLessThan(13);
    await expectSameAsLive();
    expect(await refreshReportRollups()).toBeGreaterThan(0);
    await expectSameAsLive();
  });

  it("is not marked dirty by changes the dashboard does not count", async () => {
    const db = await getDb();
    const before = await rolledUpMonths();
    await db.execute(sql`update referrals set family_wants = 'Changed', updated_at = now() where sent_at < ${monthStart(1)}::timestamptz`);
    expect(await rolledUpMonths()).toBe(before);
  });
});
