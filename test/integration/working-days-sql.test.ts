// PostgreSQL's working_days_between() is generated from app/calendar/working-days.ts: the two must give the same
// count for every pair of days, with and without bank holidays.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { workingDaysBetweenSql, workingDaysSince } from "~/calendar/working-days";
import { getDb } from "~/db.server";

const DAY = 86_400_000;
// Six weeks from Wednesday 2026-12-16, at times that test the UTC day boundary.
const moments = Array.from({ length: 42 }, (_, i) => [
  new Date(Date.UTC(2026, 11, 16) + i * DAY + 60_000),
  new Date(Date.UTC(2026, 11, 16) + i * DAY + DAY - 60_000),
]).flat();

async function sqlCounts(pairs: [Date, Date][]) {
  const db = await getDb();
  const values = sql.join(
    pairs.map(([a, b], i) => sql`(${i}::int, ${a.toISOString()}::timestamptz, ${b.toISOString()}::timestamptz)`),
    sql`, `,
  );
  const result = await db.execute(sql`select i, working_days_between(a, b) as n from (values ${values}) as v(i, a, b) order by i`);
  const rows = (Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows) as { i: number; n: number }[];
  return rows.map((r) => Number(r.n));
}

const pairs = moments.flatMap((a) => moments.filter((_, j) => j % 5 === 0).map((b) => [a, b] as [Date, Date])).filter(([a, b]) => a <= b);

describe("working_days_between in SQL", () => {
  it("matches workingDaysSince for every pair of days", async () => {
    expect(await sqlCounts(pairs)).toEqual(pairs.map(([a, b]) => workingDaysSince(a, b)));
  });

  it("honours bank holidays once they are added to the list", async () => {
    const holidays = ["2026-12-25", "2026-12-28", "2027-01-01", "2027-01-02"];
    const db = await getDb();
    await db.execute(sql.raw(workingDaysBetweenSql(holidays)));
    try {
      expect(await sqlCounts(pairs)).toEqual(pairs.map(([a, b]) => workingDaysSince(a, b, holidays)));
    } finally {
      await db.execute(sql.raw(workingDaysBetweenSql()));
    }
  });
});
