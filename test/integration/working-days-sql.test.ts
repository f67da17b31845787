// Working days are counted twice: by PostgreSQL's working_days_between() (reports, stored response and close times)
// and by app/calendar/working-days.ts (overdue flags, "sent n working days ago"). Both read non_working_days; these
// tests check they agree, with the Scottish bank holidays and with a local holiday a coordinator adds.
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import type { CurrentUser } from "~/auth/session.server";
import { addLocalHoliday, nonWorkingDates, removeLocalHoliday } from "~/calendar/non-working-days.server";
import { isOverdue, workingDaysSince } from "~/calendar/working-days";
import { setClock } from "~/clock.server";
import { reloadConfig } from "~/config.server";
import { getDb } from "~/db.server";
import { Forbidden, Refused } from "~/domain/errors";
import { coordinatorOverview } from "~/referrals/queries.server";
import { dashboard, rowsOf } from "~/reports/reports.server";
import { DEMO } from "../helpers";
import { SERVICE_A, demoUser } from "./referrals-helpers";
import { seedReferrals } from "./reports-helpers";

const DAY = 86_400_000;
// Six weeks from Wednesday 2026-12-16 (Christmas, Boxing Day's substitute, New Year and 2 January's substitute),
// at times that test the UTC day boundary.
const moments = Array.from({ length: 42 }, (_, i) => [
  new Date(Date.UTC(2026, 11, 16) + i * DAY + 60_000),
  new Date(Date.UTC(2026, 11, 16) + i * DAY + DAY - 60_000),
]).flat();
const pairs = moments.flatMap((a) => moments.filter((_, j) => j % 5 === 0).map((b) => [a, b] as [Date, Date])).filter(([a, b]) => a <= b);

async function sqlCounts(list: [Date, Date][]) {
  const values = sql.join(
    list.map(([a, b], i) => sql`(${i}::int, ${a.toISOString()}::timestamptz, ${b.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const rows = await rowsOf<{ n: number }>(sql`select i, working_days_between(a, b) as n from (values ${values}) as v(i, a, b) order by i`);
  return rows.map((r) => Number(r.n));
}

async function storedDays(id: string) {
  const db = await getDb();
  const [row] = await db
    .select({ response: s.referrals.responseWorkingDays, close: s.referrals.closeWorkingDays })
    .from(s.referrals)
    .where(eq(s.referrals.id, id));
  return row!;
}

let coordinator: CurrentUser;
beforeAll(async () => {
  coordinator = await demoUser(DEMO.coordinator);
});
afterEach(() => {
  setClock(null);
  delete process.env.REFERRAL_OVERDUE_WORKING_DAYS;
  reloadConfig();
});

describe("working_days_between in SQL", () => {
  it("has the Scottish bank holidays", async () => {
    const dates = await nonWorkingDates();
    expect(dates).toEqual(expect.arrayContaining(["2026-12-25", "2026-12-28", "2027-01-01", "2027-01-04", "2026-11-30", "2025-12-01"]));
    expect(dates).not.toContain("2026-12-29");
  });

  it("matches workingDaysSince for every pair of days over Christmas and New Year", async () => {
    const dates = await nonWorkingDates();
    const expected = pairs.map(([a, b]) => workingDaysSince(a, b, dates));
    expect(await sqlCounts(pairs)).toEqual(expected);
    // The holidays made a difference: without them some counts would be higher.
    expect(pairs.some(([a, b], i) => workingDaysSince(a, b, []) !== expected[i])).toBe(true);
  });
});

describe("a referral sent on the working day before Christmas", () => {
  it("is not overdue on Boxing Day's substitute or the day after, on screen and in SQL", async () => {
    // A response window of one working day: without the holidays it would be overdue by Tuesday 29 December.
    process.env.REFERRAL_OVERDUE_WORKING_DAYS = "1";
    reloadConfig();
    const [waiting, answered] = await seedReferrals([
      { service: SERVICE_A, state: "sent", sent: "2026-12-24" },
      { service: SERVICE_A, state: "accepted", sent: "2026-12-24", responded: "2026-12-29" },
    ]);
    const holidays = await nonWorkingDates();
    for (const today of ["2026-12-28", "2026-12-29"]) {
      const now = new Date(`${today}T15:00:00Z`);
      setClock({ now: () => now });
      expect(isOverdue(new Date("2026-12-24T10:00:00Z"), null, now, 1, holidays), today).toBe(false);
      const { items, figures } = await coordinatorOverview(coordinator, { sort: "oldest" });
      expect(items.find((i) => i.id === waiting)?.overdue, today).toBe(false);
      expect(figures.overdue, today).toBe(0);
    }
    // Wednesday 30 December: two working days (29 and 30) have passed, more than the window.
    setClock({ now: () => new Date("2026-12-30T15:00:00Z") });
    expect((await coordinatorOverview(coordinator, { sort: "oldest" })).items.find((i) => i.id === waiting)?.overdue).toBe(true);

    // The reports count the answer on Tuesday 29 December as one working day, not three.
    expect(await storedDays(answered!)).toEqual({ response: 1, close: null });
    const report = await dashboard(coordinator, { from: "2026-12-01", to: "2026-12-31" });
    expect(report.summary.responseMedian).toBe(1);
  });
});

describe("a local holiday added by a coordinator", () => {
  it("changes the count in SQL, in the stored response times and on screen, until it is removed", async () => {
    // Sent Monday 7 September 2026, answered Friday 11 September: four working days.
    const [inside, outside] = await seedReferrals([
      { service: SERVICE_A, state: "closed", sent: "2026-09-07", responded: "2026-09-11", closed: "2026-09-18", closeOutcome: "needs_met" },
      { service: SERVICE_A, state: "accepted", sent: "2026-09-14", responded: "2026-09-15" },
    ]);
    const span: [Date, Date] = [new Date("2026-09-07T10:00:00Z"), new Date("2026-09-11T10:00:00Z")];
    expect(await storedDays(inside!)).toEqual({ response: 4, close: 9 });
    expect(await sqlCounts([span])).toEqual([4]);
    expect(workingDaysSince(...span, await nonWorkingDates())).toBe(4);
    const db = await getDb();
    await db.delete(s.referralRollupDirty);

    await addLocalHoliday(coordinator, { day: "2026-09-09", name: "Dundee local holiday" });
    expect(await sqlCounts([span])).toEqual([3]);
    expect(workingDaysSince(...span, await nonWorkingDates())).toBe(3);
    expect(await storedDays(inside!)).toEqual({ response: 3, close: 8 });
    expect(await storedDays(outside!)).toEqual({ response: 1, close: null });
    // The dashboard's roll-up for September is read live again until it is rolled up with the new count.
    expect((await db.select().from(s.referralRollupDirty)).map((r) => r.period)).toEqual(["2026-09-01"]);

    await removeLocalHoliday(coordinator, "2026-09-09");
    expect(await sqlCounts([span])).toEqual([4]);
    expect(workingDaysSince(...span, await nonWorkingDates())).toBe(4);
    expect(await storedDays(inside!)).toEqual({ response: 4, close: 9 });
  });

  it("is refused on a date that is already a holiday, and only coordinators may add one", async () => {
    await expect(addLocalHoliday(coordinator, { day: "2026-12-25", name: "Christmas again" })).rejects.toBeInstanceOf(Refused);
    const provider = await demoUser(DEMO.providerOne);
    await expect(addLocalHoliday(provider, { day: "2026-10-05", name: "Not theirs" })).rejects.toBeInstanceOf(Forbidden);
    // Bank holidays are not the coordinator's to remove.
    await expect(removeLocalHoliday(coordinator, "2026-12-25")).rejects.toThrow(/already been removed/);
  });
});
