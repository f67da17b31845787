import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/security/redirect";

// Known open-redirect tricks: each must fall back, never reach another host.
export const REDIRECT_BYPASSES = [
  "//evil.example",
  "//evil.example/phish",
  "/\\evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\t/evil.example",
  "/%09/evil.example/phish",
  "%2F%09%2Fevil.example%2Fphish",
  "/%2F/evil.example",
  "/%2f%2fevil.example",
  "/%5Cevil.example",
  "/%5cevil.example",
  "/%255C%255Cevil.example",
  "/%252F%252Fevil.example",
  "/\r\n/evil.example",
  "/%0D%0A/evil.example",
  "/\n/evil.example",
  "/%0a/evil.example",
  "/%00/evil.example",
  "/ /evil.example",
  "/\u3000/evil.example",
  " //evil.example",
  "https://evil.example",
  "http:evil.example",
  "https:/evil.example",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "/javascript:alert(1)\\",
  "data:text/html,<script>alert(1)</script>",
  "///evil.example",
  "////evil.example",
  "/./\\evil.example",
  "/\\/evil.example",
  "/%5C/evil.example",
  "evil.example",
  "",
];

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
