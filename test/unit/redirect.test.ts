import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/security/redirect";
import { REDIRECT_BYPASSES } from "../support/redirect-bypasses";

describe("safeRedirect", () => {
  it.each(REDIRECT_BYPASSES)("refuses %j", (target) => {
    expect(safeRedirect(target, "/dashboard")).toBe("/dashboard");
  });

  it.each(["/referrals", "/referrals/abc?tab=messages", "/?q=family%20support&near=DD1", "/services/1#contact", "/coordinator/reports?from=2026-01-01"])(
    "keeps the same-site path %j",
    (target) => {
      expect(safeRedirect(target, "/dashboard")).toBe(target);
    },
  );

  it("never returns anything that resolves to another origin", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("/", "\\", "%", "2", "F", "5", "C", "0", "9", "\t", "\n", ":", "e", ".", "@", "?", "#", " ") }), (raw) => {
        const out = safeRedirect(raw, "/fallback");
        expect(new URL(out, "http://fort.test").origin).toBe("http://fort.test");
        for (const candidate of [out, decodeSafely(out)]) expect(new URL(candidate, "http://fort.test").origin).toBe("http://fort.test");
      }),
      { numRuns: 2000 },
    );
  });
});

function decodeSafely(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
