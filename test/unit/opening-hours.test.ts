import { describe, expect, it } from "vitest";
import { openingStatus, openingStatusParts } from "~/directory/opening-hours";
import { i18nFor } from "~/i18n/i18n";

const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opensAt: "09:00:00", closesAt: "17:00:00" }));

describe("open now / opens next", () => {
  it("is open during a session, saying until when", () => {
    // Wednesday 19 November 2025, 10:30 in London (GMT).
    expect(openingStatus(weekdays, new Date("2025-11-19T10:30:00Z"))).toEqual({ open: true, text: "Open now, until 17:00" });
  });

  it("names the next opening day after the weekend", () => {
    // Saturday 22 November 2025.
    expect(openingStatus(weekdays, new Date("2025-11-22T12:00:00Z"))).toEqual({ open: false, text: "Closed now. Opens Monday 9:00" });
    // Friday after closing.
    expect(openingStatus(weekdays, new Date("2025-11-21T17:00:00Z"))).toEqual({ open: false, text: "Closed now. Opens Monday 9:00" });
  });

  it("says 'today' before the day's first session", () => {
    expect(openingStatus(weekdays, new Date("2025-11-19T07:15:00Z"))).toEqual({ open: false, text: "Closed now. Opens today 9:00" });
  });

  it("uses London time, not the server's: in summer 08:30 UTC is 09:30 BST", () => {
    expect(openingStatus(weekdays, new Date("2025-07-16T08:30:00Z"))).toEqual({ open: true, text: "Open now, until 17:00" });
    expect(openingStatus(weekdays, new Date("2025-11-19T08:30:00Z"))?.open).toBe(false);
  });

  it("handles a once-a-week evening group and no hours at all", () => {
    const thursdayEvening = [{ weekday: 4, opensAt: "18:00:00", closesAt: "20:00:00" }];
    expect(openingStatus(thursdayEvening, new Date("2025-11-20T19:00:00Z"))).toEqual({ open: true, text: "Open now, until 20:00" });
    expect(openingStatus(thursdayEvening, new Date("2025-11-20T20:00:00Z"))).toEqual({ open: false, text: "Closed now. Opens Thursday 18:00" });
    expect(openingStatus([], new Date())).toBeNull();
  });
});

describe("open now / opens next in the page's language", () => {
  it("gives the parts the words are made from, so each language can say them", () => {
    expect(openingStatusParts(weekdays, new Date("2025-11-22T12:00:00Z"))).toEqual({ open: false, time: "9:00", weekday: 1 });
    expect(openingStatusParts(weekdays, new Date("2025-11-19T07:15:00Z"))).toEqual({ open: false, time: "9:00", weekday: null });
    expect(openingStatusParts(weekdays, new Date("2025-11-19T10:30:00Z"))).toEqual({ open: true, time: "17:00", weekday: null });
  });

  it.each([
    ["pl", "Teraz otwarte, do 17:00"],
    ["uk", "Зараз відчинено, до 17:00"],
    ["ar", "مفتوح الآن حتى 17:00"],
  ] as const)("reads in %s", (lang, expected) => {
    expect(i18nFor(lang).t("service.openUntil", { time: "17:00" })).toBe(expected);
    expect(i18nFor(lang).t("service.opensNext", { day: "X", time: "9:00" })).toContain("9:00");
  });
});
