import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "~/reports/csv";
import { defaultRange, filtersQuery, monthsBetween, parseReportFilters } from "~/reports/filters";
import { NEED_BITS } from "~/reports/needs";

describe("CSV", () => {
  it("starts with a UTF-8 byte-order mark, quotes commas, quotes and line breaks, and defuses spreadsheet formulas", () => {
    expect(
      toCsv({
        columns: ["Service", "Referrals"],
        rows: [
          ["Play, Learn", 3],
          ['Say "hi"', 0],
          ['=HYPERLINK("x")', 1],
          ["Two\nlines", -2],
        ],
      }),
    ).toBe('\uFEFFService,Referrals\r\n"Play, Learn",3\r\n"Say ""hi""",0\r\n"\'=HYPERLINK(""x"")",1\r\n"Two\nlines",-2\r\n');
  });

  it("puts an apostrophe before every text cell a spreadsheet would run as a formula", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${start}SUM(A1)`).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("Lochee Hub")).toBe("Lochee Hub");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
  });
});

describe("report filters", () => {
  it("defaults to the last twelve whole months up to today", () => {
    expect(defaultRange(new Date("2026-11-22T10:00:00Z"))).toEqual({ from: "2025-12-01", to: "2026-11-22" });
    const parsed = parseReportFilters(new URLSearchParams(""), new Date("2026-11-22T10:00:00Z"));
    expect(parsed).toEqual({ ok: true, filters: { from: "2025-12-01", to: "2026-11-22" } });
  });

  it("names each bad field in words", () => {
    const parsed = parseReportFilters(new URLSearchParams("from=22/11/2026&organisation=1&service=x' or 1=1&need=SAFE"), new Date());
    expect(parsed).toMatchObject({
      ok: false,
      errors: {
        from: "Enter a date like 2026-03-31",
        organisation: "Choose an organisation from the list",
        service: "Choose a service from the list",
        need: "Choose a wellbeing need from the list",
      },
    });
  });

  it("round-trips through the query string and lists the months of the range", () => {
    expect(filtersQuery({ from: "2026-01-01", to: "2026-03-31", need: "safe" })).toBe("from=2026-01-01&to=2026-03-31&need=safe");
    expect(monthsBetween("2025-11-15", "2026-02-01")).toEqual(["2025-11", "2025-12", "2026-01", "2026-02"]);
  });

  it("gives each SHANARRI need its own bit", () => {
    expect(Object.values(NEED_BITS)).toEqual([1, 2, 4, 8, 16, 32, 64, 128]);
  });
});
