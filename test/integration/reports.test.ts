// The dashboard's figures against ones worked out by hand for a small, known set of referrals.
// Times are working days (Mon–Fri) from the day sent. 2 March 2026 is a Monday.
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import type { CurrentUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { workingDaysSince } from "~/calendar/working-days";
import { nonWorkingDates } from "~/calendar/non-working-days.server";
import { referralArea } from "~/geo/postcodes.server";
import { parseReportFilters, type ReportFilters } from "~/reports/filters";
import { NotACoordinator, dashboard, reportTables, rowsOf } from "~/reports/reports.server";
import { loader as exportLoader } from "~/routes/coordinator_.reports.export.$table";
import { loader as reportsLoader } from "~/routes/coordinator.reports";
import { DEMO, signedIn } from "../helpers";
import { SERVICE_A, SERVICE_B, demoUser } from "./referrals-helpers";
import { WARD, seedReferrals } from "./reports-helpers";

let coordinator: CurrentUser;
const MARCH_APRIL: ReportFilters = { from: "2026-03-01", to: "2026-04-30" };

beforeAll(async () => {
  coordinator = await demoUser(DEMO.coordinator);
  await seedReferrals([
    // 1: answered next day (1), support under way.
    { service: SERVICE_A, state: "in_progress", sent: "2026-03-02", responded: "2026-03-03", ward: WARD.lochee, needs: ["nurtured"] },
    // 2: answered in 3, closed after 14 working days.
    {
      service: SERVICE_A,
      state: "closed",
      sent: "2026-03-02",
      responded: "2026-03-05",
      closed: "2026-03-20",
      ward: WARD.lochee,
      needs: ["nurtured", "healthy"],
      closeOutcome: "needs_met",
      needOutcomes: { nurtured: "met", healthy: "partly_met" },
    },
    // 3: sent on a Friday, declined on the Monday (1: the weekend does not count).
    {
      service: SERVICE_A,
      state: "declined",
      sent: "2026-03-06",
      responded: "2026-03-09",
      closed: "2026-03-09",
      ward: WARD.coldside,
      needs: ["safe"],
      declineReason: "no_capacity",
    },
    // 4: declined after 5, with a free-text reason that must never be reported.
    {
      service: SERVICE_A,
      state: "declined",
      sent: "2026-03-06",
      responded: "2026-03-13",
      closed: "2026-03-13",
      ward: WARD.coldside,
      declineReason: "other: the Smith family at 3 High St",
    },
    // 5: still waiting, no area known.
    { service: SERVICE_A, state: "sent", sent: "2026-03-11", ward: null, needs: ["active"] },
    // 6: answered in 9, closed after 19 (ten and twenty weekdays, less Good Friday, 3 April).
    {
      service: SERVICE_B,
      state: "closed",
      sent: "2026-04-01",
      responded: "2026-04-15",
      closed: "2026-04-29",
      ward: WARD.lochee,
      closeOutcome: "needs_met",
      needOutcomes: { nurtured: "met" },
    },
    // 7: withdrawn before any response.
    { service: SERVICE_B, state: "withdrawn", sent: "2026-04-02", closed: "2026-04-06", ward: WARD.maryfield },
    // Not counted: a draft, and one sent before the range.
    { service: SERVICE_A, state: "draft", ward: WARD.lochee },
    { service: SERVICE_A, state: "accepted", sent: "2026-02-27", responded: "2026-02-27", ward: WARD.lochee },
  ]);
});

describe("working days in SQL", () => {
  it("counts the same working days as the app's own rule, for every pair of days over five weeks", async () => {
    const start = Date.UTC(2026, 2, 1);
    const pairs: [Date, Date][] = [];
    for (let a = 0; a < 35; a += 2)
      for (let b = a; b < 35; b += 3) pairs.push([new Date(start + a * 86_400_000 + 3_600_000), new Date(start + b * 86_400_000 + 80_000_000)]);
    const values = sql.join(
      pairs.map(([a, b]) => sql`(${a.toISOString()}::timestamptz, ${b.toISOString()}::timestamptz)`),
      sql`, `,
    );
    const rows = await rowsOf<{ n: number }>(sql`select working_days_between(a, b) as n from (values ${values}) as p(a, b)`);
    // Five weeks from 1 March 2026, over Good Friday (3 April).
    const holidays = await nonWorkingDates();
    expect(holidays).toContain("2026-04-03");
    expect(rows.map((r) => r.n)).toEqual(pairs.map(([a, b]) => workingDaysSince(a, b, holidays)));
  });
});

describe("the coordinators' dashboard", () => {
  it("matches the hand-computed figures", async () => {
    const d = await dashboard(coordinator, MARCH_APRIL);
    expect(d.summary).toEqual({
      total: 7,
      decided: 5,
      accepted: 3,
      declined: 2,
      acceptanceRate: 0.6,
      responded: 5,
      // Response times 1, 1, 3, 5, 9: median 3; 90th percentile 5 + 0.6 × (9 − 5) = 7.4.
      responseMedian: 3,
      responseP90: expect.closeTo(7.4, 9),
      closed: 2,
      // Close times 14 and 19: median 16.5; 90th percentile 14 + 0.9 × 5 = 18.5.
      closeMedian: 16.5,
      closeP90: expect.closeTo(18.5, 9),
    });
    expect(d.monthly.map((m) => [m.month, m.total])).toEqual([
      ["2026-03", 5],
      ["2026-04", 2],
    ]);
    expect(d.monthly[0]!.byState).toMatchObject({ in_progress: 1, closed: 1, declined: 2, sent: 1, withdrawn: 0 });
    expect(Object.fromEntries(d.stateTotals.map((x) => [x.state, x.n]))).toEqual({
      sent: 1,
      info_requested: 0,
      info_received: 0,
      accepted: 0,
      declined: 2,
      in_progress: 1,
      closed: 2,
      withdrawn: 1,
    });
    expect(Object.fromEntries(d.wards.filter((w) => w.n > 0).map((w) => [w.name, w.n]))).toEqual({
      Lochee: 3,
      Coldside: 2,
      Maryfield: 1,
      "Outside the wards FORT knows, or not given": 1,
    });
    expect(d.wards.find((w) => w.name === "Lochee")!.monthly).toEqual([
      { month: "2026-03", n: 2 },
      { month: "2026-04", n: 1 },
    ]);
    expect(Object.fromEntries(d.needs.filter((n) => n.n > 0).map((n) => [n.code, n.n]))).toEqual({ nurtured: 5, healthy: 1, safe: 1, active: 1 });
    expect(d.services.map((x) => [x.name, x.n, x.accepted, x.declined, x.open])).toEqual([
      [SERVICE_A, 5, 2, 2, 2],
      [SERVICE_B, 2, 1, 0, 0],
    ]);
    expect(d.organisations.map((o) => o.n)).toEqual([5, 2]);
    expect(d.declineReasons.map((r) => [r.reason, r.n])).toEqual([
      ["no_capacity", 1],
      ["other", 1],
    ]);
    expect(d.closeOutcomes.map((o) => [o.outcome, o.n])).toEqual([["needs_met", 2]]);
    expect(d.needOutcomes.map((n) => [n.code, n.outcomes])).toEqual([
      ["healthy", { met: 0, partly_met: 1, not_met: 0, not_addressed: 0 }],
      ["nurtured", { met: 2, partly_met: 0, not_met: 0, not_addressed: 0 }],
    ]);
    // Free text never reaches a report.
    expect(JSON.stringify(reportTables(d))).not.toMatch(/Smith|High St|Robin|Private/);
  });

  it("filters by ward and need, by service and by organisation, and by date", async () => {
    const lochee = await dashboard(coordinator, { ...MARCH_APRIL, ward: WARD.lochee, need: "nurtured" });
    // Referrals 1, 2 and 6 (referral 6's needs default to nurtured): responses 1, 3, 9.
    expect(lochee.summary).toMatchObject({ total: 3, responded: 3, responseMedian: 3, accepted: 3, decided: 3, acceptanceRate: 1 });
    expect(lochee.summary.responseP90).toBeCloseTo(7.8, 9);
    const healthy = await dashboard(coordinator, { ...MARCH_APRIL, need: "healthy" });
    expect(healthy.summary.total).toBe(1);
    const b = await dashboard(coordinator, {
      ...MARCH_APRIL,
      service: (await rowsOf<{ id: string }>(sql`select id from services where name = ${SERVICE_B}`))[0]!.id,
    });
    expect(b.summary).toMatchObject({ total: 2, closed: 1, closeMedian: 19 });
    const organisation = b.services[0]!;
    const byOrg = await dashboard(coordinator, {
      ...MARCH_APRIL,
      organisation: (await rowsOf<{ organisation_id: string }>(sql`select organisation_id from services where id = ${organisation.id}::uuid`))[0]!
        .organisation_id,
    });
    expect(byOrg.summary.total).toBe(2);
    const april = await dashboard(coordinator, { from: "2026-04-01", to: "2026-04-01" });
    expect(april.summary.total).toBe(1);
    const withFebruary = await dashboard(coordinator, { from: "2026-02-01", to: "2026-04-30" });
    expect(withFebruary.summary.total).toBe(8);
  });

  it("is for coordinators only", async () => {
    await expect(dashboard(await demoUser(DEMO.providerOne), MARCH_APRIL)).rejects.toBeInstanceOf(NotACoordinator);
    await expect(dashboard(await demoUser(DEMO.healthVisitor), MARCH_APRIL)).rejects.toBeInstanceOf(NotACoordinator);
  });

  it("explains bad filters with a 400 next to the field, never a 500", async () => {
    const { cookie } = await signedIn(DEMO.coordinator);
    const result = (await reportsLoader({
      request: new Request("http://localhost/coordinator/reports?from=2026-02-31&ward=nowhere&need=happy", { headers: { Cookie: cookie } }),
      params: {},
      context: {},
    })) as unknown as {
      init: { status: number };
      data: { errors: Record<string, string> };
    };
    expect(result.init.status).toBe(400);
    expect(result.data.errors).toEqual({
      from: "Enter a real date, like 2026-03-31",
      ward: "Choose a ward from the list",
      need: "Choose a wellbeing need from the list",
    });
    const backwards = parseReportFilters(new URLSearchParams("from=2026-05-01&to=2026-04-01"), new Date());
    expect(backwards).toMatchObject({ ok: false, errors: { to: "The start date must be on or before the end date" } });
  });

  it("exports each table as CSV for the same filters", async () => {
    const { cookie } = await signedIn(DEMO.coordinator);
    const url = `http://localhost/coordinator/reports/export/by-need?from=2026-03-01&to=2026-04-30&ward=${WARD.coldside}`;
    const response = (await exportLoader({
      request: new Request(url, { headers: { Cookie: cookie } }),
      params: { table: "by-need" },
      context: {},
    })) as Response;
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="fort-by-need-2026-03-01-to-2026-04-30-${WARD.coldside}.csv"`);
    const lines = (await response.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Need,Referrals");
    expect(lines).toContain("Safe,1");
    expect(lines).toContain("Nurtured,1");
    expect(lines).toContain("Healthy,0");

    const missing = await exportLoader({
      request: new Request("http://localhost/x", { headers: { Cookie: cookie } }),
      params: { table: "secrets" },
      context: {},
    }).catch((r: Response) => r);
    expect((missing as Response).status).toBe(404);
    const bad = await exportLoader({
      request: new Request("http://localhost/x?to=yesterday", { headers: { Cookie: cookie } }),
      params: { table: "summary" },
      context: {},
    }).catch((r: Response) => r);
    expect((bad as Response).status).toBe(400);
  });
});

describe("referral areas", () => {
  it("takes the ward and sector from the child's postcode, never finer", () => {
    expect(referralArea("dd1 1aa")).toEqual({ wardCode: WARD.maryfield, postcodeSector: "DD1 1" });
    expect(referralArea("EH1 1AA")).toEqual({ wardCode: null, postcodeSector: "EH1 1" });
    expect(referralArea("not a postcode")).toEqual({ wardCode: null, postcodeSector: null });
    expect(referralArea(undefined)).toEqual({ wardCode: null, postcodeSector: null });
  });

  it("is recorded when a referral is sent, and back-filled for older ones", async () => {
    const { sendReferral } = await import("~/referrals/commands.server");
    const { validInput, serviceId } = await import("./referrals-helpers");
    const { backfillReferralAreas } = await import("~/reports/areas.server");
    const referrer = await demoUser(DEMO.healthVisitor);
    const { ids } = await sendReferral(referrer, validInput([await serviceId(SERVICE_A)]));
    const db = await getDb();
    const [sent] = await db.select({ wardCode: s.referrals.wardCode, sector: s.referrals.postcodeSector }).from(s.referrals).where(eq(s.referrals.id, ids[0]!));
    expect(sent).toEqual({ wardCode: WARD.maryfield, sector: "DD1 1" });

    await db.update(s.referrals).set({ wardCode: null, postcodeSector: null }).where(eq(s.referrals.id, ids[0]!));
    expect(await backfillReferralAreas()).toBeGreaterThanOrEqual(1);
    const [filled] = await db
      .select({ wardCode: s.referrals.wardCode, sector: s.referrals.postcodeSector })
      .from(s.referrals)
      .where(eq(s.referrals.id, ids[0]!));
    expect(filled).toEqual({ wardCode: WARD.maryfield, sector: "DD1 1" });
    expect(await backfillReferralAreas()).toBe(0);
  });
});
