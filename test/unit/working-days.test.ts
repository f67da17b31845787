import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeAge, isOverdue, overdueCutoff, workingDaysSince } from "~/calendar/working-days";
import { bankHolidaysSql, scottishBankHolidays } from "../../scripts/bank-holidays";

const at = (iso: string) => new Date(`${iso}T10:00:00Z`);
const NONE: string[] = [];
const BANK = scottishBankHolidays().map((h) => h.day);

describe("working days", () => {
  it("counts Monday to Friday only", () => {
    // 2026-11-16 is a Monday.
    expect(workingDaysSince(at("2026-11-16"), at("2026-11-16"), NONE)).toBe(0);
    expect(workingDaysSince(at("2026-11-16"), at("2026-11-20"), NONE)).toBe(4);
    expect(workingDaysSince(at("2026-11-20"), at("2026-11-23"), NONE)).toBe(1);
    expect(workingDaysSince(at("2026-11-14"), at("2026-11-16"), NONE)).toBe(1);
  });

  it("flags a referral as overdue after more than the configured working days without a response", () => {
    expect(isOverdue(at("2026-11-16"), null, at("2026-11-23"), 5, NONE)).toBe(false);
    expect(isOverdue(at("2026-11-13"), null, at("2026-11-23"), 5, NONE)).toBe(true);
    expect(isOverdue(at("2026-11-13"), at("2026-11-14"), at("2026-11-23"), 5, NONE)).toBe(false);
    expect(isOverdue(null, null, at("2026-11-23"), 5, NONE)).toBe(false);
  });

  it("uses the same rule in SQL (cut-off) as on screen, with and without holidays", () => {
    for (const now of [at("2026-11-23"), at("2026-12-29"), at("2027-01-05")]) {
      for (const holidays of [NONE, BANK]) {
        for (let d = 1; d <= 20; d++) {
          const sent = new Date(now.getTime() - d * 86_400_000);
          expect(sent < overdueCutoff(now, 5, holidays)).toBe(isOverdue(sent, null, now, 5, holidays));
          expect(sent < overdueCutoff(now, 2, holidays)).toBe(isOverdue(sent, null, now, 2, holidays));
        }
      }
    }
  });

  it("says how long ago a referral was sent in working days", () => {
    expect(describeAge(at("2026-11-16"), at("2026-11-19"), NONE)).toBe("sent 3 working days ago");
    expect(describeAge(at("2026-11-19"), at("2026-11-19"), NONE)).toBe("sent today");
    expect(describeAge(at("2026-11-18"), at("2026-11-19"), NONE)).toBe("sent 1 working day ago");
  });

  it("does not count a bank holiday on a weekday, and a holiday on a weekend changes nothing", () => {
    // 2026-12-25 is a Friday, 2026-12-26 a Saturday.
    expect(workingDaysSince(at("2026-12-24"), at("2026-12-29"), ["2026-12-25", "2026-12-26"])).toBe(2);
    expect(workingDaysSince(at("2026-12-24"), at("2026-12-29"), NONE)).toBe(3);
  });

  it("a referral sent on the working day before Christmas is not overdue on Boxing Day's substitute", () => {
    // Sent Thursday 24 December 2026; Friday 25 (Christmas) and Monday 28 (Boxing Day, substitute) are holidays.
    expect(describeAge(at("2026-12-24"), at("2026-12-28"), BANK)).toBe("sent today");
    expect(describeAge(at("2026-12-24"), at("2026-12-29"), BANK)).toBe("sent 1 working day ago");
    expect(isOverdue(at("2026-12-24"), null, at("2026-12-29"), 1, BANK)).toBe(false);
    expect(isOverdue(at("2026-12-24"), null, at("2026-12-29"), 1, NONE)).toBe(true);
  });
});

describe("Scottish bank holidays", () => {
  const of = (year: number) =>
    scottishBankHolidays(year, year)
      .map((h) => h.day)
      // Weekend dates are listed (they are the holidays themselves) but change nothing; the checks are on weekdays.
      .filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))
      .map((d) => d.slice(5));

  it("are the known dates, with substitute days when a holiday falls on a weekend", () => {
    expect(of(2025)).toEqual(["01-01", "01-02", "04-18", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26"]);
    expect(of(2026)).toEqual(["01-01", "01-02", "04-03", "05-04", "05-25", "08-03", "11-30", "12-25", "12-28"]);
    expect(of(2027)).toEqual(["01-01", "01-04", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"]);
  });

  it("include the one-off holidays no rule predicts", () => {
    expect(of(2022)).toContain("06-03"); // Platinum Jubilee
    expect(of(2022)).toContain("09-19"); // the Queen's funeral
    expect(of(2020)).toContain("05-08"); // the early May holiday moved to VE Day
    expect(of(2020)).not.toContain("05-04");
  });

  it("the newest bank-holidays migration writes exactly these dates (run npm run db:bank-holidays)", () => {
    const latest = readdirSync("db/migrations")
      .filter((f) => f.endsWith("_bank_holidays.sql"))
      .sort()
      .at(-1);
    expect(latest, "run npm run db:bank-holidays").toBeDefined();
    expect(readFileSync(`db/migrations/${latest}`, "utf8")).toContain(bankHolidaysSql());
  });
});
