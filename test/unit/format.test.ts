import { describe, expect, it } from "vitest";
import { formatAgeRange, formatCapacity, formatDate, formatTime } from "~/directory/format";

describe("plain-language formatting", () => {
  it("describes age ranges as a parent would say them", () => {
    expect(formatAgeRange(0, 5)).toBe("Up to 5 years");
    expect(formatAgeRange(5, 12)).toBe("5 to 12 years");
    expect(formatAgeRange(16, null)).toBe("16 years and over");
    expect(formatAgeRange(null, null)).toBe("All ages");
  });

  it("gives the typical wait for a waiting list", () => {
    expect(formatCapacity("waiting_list", 6)).toBe("Waiting list: about 6 weeks");
    expect(formatCapacity("waiting_list", 1)).toBe("Waiting list: about 1 week");
    expect(formatCapacity("waiting_list", null)).toBe("Waiting list");
    expect(formatCapacity("not_accepting", null)).toBe("Not accepting referrals");
  });

  it("formats dates and times the British way", () => {
    expect(formatDate("2026-03-09")).toBe("9 March 2026");
    expect(formatTime("09:30:00")).toBe("9:30");
  });
});
