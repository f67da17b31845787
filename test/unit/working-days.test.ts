import { describe, expect, it } from "vitest";
import { describeAge, isOverdue, overdueCutoff, workingDaysSince } from "~/calendar/working-days";

const at = (iso: string) => new Date(`${iso}T10:00:00Z`);

describe("working days", () => {
  it("counts Monday to Friday only", () => {
    // 2026-11-16 is a Monday.
    expect(workingDaysSince(at("2026-11-16"), at("2026-11-16"))).toBe(0);
    expect(workingDaysSince(at("2026-11-16"), at("2026-11-20"))).toBe(4);
    expect(workingDaysSince(at("2026-11-20"), at("2026-11-23"))).toBe(1);
    expect(workingDaysSince(at("2026-11-14"), at("2026-11-16"))).toBe(1);
  });

  it("flags a referral as overdue after more than the configured working days without a response", () => {
    expect(isOverdue(at("2026-11-16"), null, at("2026-11-23"), 5)).toBe(false);
    expect(isOverdue(at("2026-11-13"), null, at("2026-11-23"), 5)).toBe(true);
    expect(isOverdue(at("2026-11-13"), at("2026-11-14"), at("2026-11-23"), 5)).toBe(false);
    expect(isOverdue(null, null, at("2026-11-23"), 5)).toBe(false);
  });

  it("uses the same rule in SQL (cut-off) as on screen", () => {
    const now = at("2026-11-23");
    for (let d = 1; d <= 20; d++) {
      const sent = new Date(now.getTime() - d * 86_400_000);
      expect(sent < overdueCutoff(now, 5)).toBe(isOverdue(sent, null, now, 5));
      expect(sent < overdueCutoff(now, 2)).toBe(isOverdue(sent, null, now, 2));
    }
  });

  it("says how long ago a referral was sent in working days", () => {
    expect(describeAge(at("2026-11-16"), at("2026-11-19"))).toBe("sent 3 working days ago");
    expect(describeAge(at("2026-11-19"), at("2026-11-19"))).toBe("sent today");
    expect(describeAge(at("2026-11-18"), at("2026-11-19"))).toBe("sent 1 working day ago");
  });
});

describe("working days are defined once", () => {
  it("the newest migration installing working_days_between() is the one generated from this definition", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { workingDaysBetweenSql } = await import("~/calendar/working-days");
    const latest = readdirSync("db/migrations")
      .filter((f) => f.endsWith("_working_days.sql"))
      .sort()
      .at(-1);
    expect(latest, "run npm run db:working-days").toBeDefined();
    expect(readFileSync(`db/migrations/${latest}`, "utf8")).toContain(workingDaysBetweenSql());
  });

  it("does not count a bank holiday on a weekday, and a holiday on a weekend changes nothing", () => {
    // 2026-12-25 is a Friday, 2026-12-26 a Saturday.
    expect(workingDaysSince(at("2026-12-24"), at("2026-12-29"), ["2026-12-25", "2026-12-26"])).toBe(2);
    expect(workingDaysSince(at("2026-12-24"), at("2026-12-29"))).toBe(3);
  });
});
