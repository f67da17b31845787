import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { organisationSchema } from "~/organisations/forms";
import { mailtoHref, telHref, webUrl, websiteHref } from "~/security/urls";

describe("the one URL type (issue 12)", () => {
  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example",
    "https://user:pass@evil.example",
    "https:\\\\evil.example",
    "http://",
    "ftp://files.example.org",
  ])("refuses %j as a website", (value) => {
    expect(webUrl(value)).toBeNull();
    expect(websiteHref(value)).toBeUndefined();
    expect(organisationSchema.shape.website.safeParse(value).success).toBe(false);
  });

  it.each(["https://tayfamilylinks.example.org", "http://example.org/path?q=1#x"])("accepts %j", (value) => {
    expect(webUrl(value)).toBe(value);
  });

  it("every accepted website is an http(s) URL", () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string()), (value) => {
        const out = webUrl(value);
        if (out !== null) expect(["http:", "https:"]).toContain(new URL(out).protocol);
      }),
    );
  });

  it("builds mailto: and tel: from checked values only", () => {
    expect(mailtoHref("hello@example.org")).toBe("mailto:hello@example.org");
    expect(mailtoHref("a@example.org?bcc=b@example.org")).toBeUndefined();
    expect(mailtoHref("javascript:alert(1)//@x.org")).toBeUndefined();
    expect(telHref("01382 123 456")).toBe("tel:01382123456");
    expect(telHref("+44 (0)1382 123456")).toBe("tel:+4401382123456");
    expect(telHref("javascript:alert(1)")).toBeUndefined();
  });
});
