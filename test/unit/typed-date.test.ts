import { describe, expect, it } from "vitest";
import { formatTypedDate, parseTypedDate } from "~/dates/typed-date";

const today = new Date("2026-11-30T12:00:00Z");
const iso = (typed: string) => {
  const r = parseTypedDate(typed, today);
  return "iso" in r ? r.iso : r.error;
};

describe("dates as people type them", () => {
  it("accepts day-first dates in the ways people write them, and a date picker's value", () => {
    for (const typed of [
      "27/03/2020",
      "27/3/2020",
      "27-03-2020",
      "27.03.2020",
      "27 03 2020",
      "27/03/20",
      "27 March 2020",
      "27 mar 2020",
      "27th March 2020",
      "27-Mar-2020",
      "2020-03-27",
      " 27 / 03 / 2020 ",
    ]) {
      expect(iso(typed), typed).toBe("2020-03-27");
    }
    expect(iso("01/02/99")).toBe("1999-02-01");
  });

  it("says what is wrong", () => {
    expect(iso("31/02/2020")).toBe("Enter a real date: February 2020 has 29 days");
    expect(iso("03/27/2020")).toMatch(/month must be from 1 to 12/);
    expect(iso("27/03")).toMatch(/Include the year/);
    expect(iso("27 Marhc 2020")).toMatch(/“Marhc” is not a month/);
    expect(iso("yesterday")).toMatch(/day, month and year, for example 27\/03\/2020/);
    expect(iso("27/03/0020")).toMatch(/year in full/);
  });

  it("reads back every real date it writes, and never throws on any input", () => {
    // Every day from 1999 to 2030 (leap years, month ends), and a seeded spread of odd strings.
    for (let t = Date.UTC(1999, 0, 1); t <= Date.UTC(2030, 11, 31); t += 86_400_000) {
      const value = new Date(t).toISOString().slice(0, 10);
      expect(iso(formatTypedDate(value))).toBe(value);
    }
    let seed = 13;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = "0123456789/-. :marchMARCHstndrh\\'\"\u00e9";
    for (let i = 0; i < 2000; i++) {
      const typed = Array.from({ length: next() % 16 }, () => alphabet[next() % alphabet.length]).join("");
      const result = parseTypedDate(typed, today);
      expect("iso" in result ? /^\d{4}-\d{2}-\d{2}$/.test(result.iso) : result.error.length > 0).toBe(true);
    }
  });
});
