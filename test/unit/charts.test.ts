import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { BarChart, MonthColumns, countTicks } from "~/reports/charts";
import { gapBands, gapShade, GAP_SHADES, SUPPRESSED_SHADE } from "~/reports/gap-shades";

describe("charts", () => {
  it("draws bars with a title, a description, a count axis on round numbers and every value", () => {
    const html = renderToStaticMarkup(
      createElement(BarChart, {
        title: "Why referrals were declined",
        description: "Declined referrals by reason.",
        data: [
          { label: "No capacity", value: 37 },
          { label: "Not eligible", value: 12 },
          { label: "Other", value: 0 },
        ],
      }),
    );
    expect(html).toContain("Why referrals were declined");
    expect(html).toContain("Declined referrals by reason.");
    expect(html).toMatch(/role="img"/);
    expect(html).toMatch(/aria-labelledby="[^"]+-title [^"]+-desc"/);
    for (const tick of [0, 10, 20, 30, 40]) expect(html).toContain(`>${tick}</text>`);
    for (const value of [37, 12]) expect(html).toContain(`class="fort-chart__value">${value}</text>`);
    expect(html).toContain(">Referrals</text>");
    // The longest bar ends inside the axis (37 of 40), never beyond it.
    const widths = [...html.matchAll(/<rect x="0" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.max(...widths)).toBeLessThanOrEqual(320);
    expect(widths[0]).toBeCloseTo((37 / 40) * 320, 0);
  });

  it("labels each month's column with its value, the month and the year where it starts", () => {
    const html = renderToStaticMarkup(
      createElement(MonthColumns, {
        title: "Referrals sent each month",
        description: "By month.",
        data: [
          { month: "2025-12-01", value: 4 },
          { month: "2026-01-01", value: 9 },
        ],
      }),
    );
    expect(html).toContain(">Dec</text>");
    expect(html).toContain(">Jan</text>");
    expect(html).toContain(">2025</text>");
    expect(html).toContain(">2026</text>");
    expect(html).toContain('class="fort-chart__value">9</text>');
  });

  it("never offers fractions of a referral on an axis", () => {
    expect(countTicks(0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].filter(Number.isInteger));
    expect(countTicks(3).every(Number.isInteger)).toBe(true);
    expect(countTicks(1234)).toContain(1400);
  });
});

describe("the gap map's legend", () => {
  it("splits demand into four numbered bands starting at the suppression threshold", () => {
    const bands = gapBands(87, 5);
    expect(bands.map((b) => b.colour)).toEqual([...GAP_SHADES]);
    expect(bands[0]!.from).toBe(5);
    expect(bands[3]!.label).toMatch(/or more$/);
    for (let i = 1; i < bands.length; i++) expect(bands[i]!.from).toBe(bands[i - 1]!.to + 1);
    expect(gapShade(null, bands)).toBe(SUPPRESSED_SHADE);
    expect(gapShade(5, bands)).toBe(GAP_SHADES[0]);
    expect(gapShade(87, bands)).toBe(GAP_SHADES[3]);
  });

  it("keeps the bands in order when demand is low", () => {
    for (const max of [0, 3, 6, 11, 40]) {
      const bands = gapBands(max, 5);
      expect(bands[0]!.from).toBe(5);
      for (let i = 1; i < bands.length; i++) {
        expect(bands[i]!.from, `max ${max}`).toBe(bands[i - 1]!.to + 1);
        expect(bands[i - 1]!.to, `max ${max}`).toBeGreaterThanOrEqual(bands[i - 1]!.from);
      }
    }
  });
});
