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
