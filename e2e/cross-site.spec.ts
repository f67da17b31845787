// Forged-origin posts over real HTTP against the built server (issue 11, ADR 0006): every page action answers 403
// with a page a person can read, whether Remix's own origin check or FORT's catches it; never a server error.
import { expect, test } from "@playwright/test";

const SOME_SERVICE = "00000000-0000-4000-8000-000000000000";
const PAGE_ACTIONS = ["/sign-in", "/forgot-password", "/organisations/register", `/services/${SOME_SERVICE}/self-referral`, "/referrals/new", "/sign-out"];
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };

test.describe("a form posted from another site", () => {
  for (const path of PAGE_ACTIONS) {
    for (const origin of ["https://evil.example", "null"]) {
      test(`to ${path} with Origin: ${origin} gets 403 and a readable page`, async ({ request }) => {
        const response = await request.post(path, { headers: { ...FORM, Origin: origin }, data: "email=someone%40example.org&password=x", maxRedirects: 0 });
        expect(response.status()).toBe(403);
        // A page (HTML), or for a route without a page (sign-out) a plain sentence.
        expect(response.headers()["content-type"]).toMatch(/^text\/(html|plain)/);
        expect(await response.text()).toContain("another site");
      });
    }
  }

  test("as a client-side (single fetch) post gets 403, not a server error", async ({ request }) => {
    const response = await request.post("/sign-in.data", {
      headers: { ...FORM, Origin: "https://evil.example" },
      data: "email=a%40b.c&password=x",
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
  });

  test("without Origin or Referer (FORT's own check) gets 403 and a readable page", async ({ request }) => {
    const response = await request.post("/sign-in", { headers: FORM, data: "email=someone%40example.org&password=x", maxRedirects: 0 });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain("another site");
  });

  test("through a proxy that passes another host (X-Forwarded-Host) gets 403, not a server error", async ({ request, baseURL }) => {
    const response = await request.post("/sign-in", {
      headers: { ...FORM, Origin: baseURL!, "X-Forwarded-Host": "internal.example:8080" },
      data: "email=someone%40example.org&password=x",
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
  });
});

test("a form posted from FORT's own pages is not refused", async ({ request, baseURL }) => {
  const response = await request.post("/sign-in", {
    headers: { ...FORM, Origin: baseURL! },
    data: "email=someone%40example.org&password=wrong-password",
    maxRedirects: 0,
  });
  expect(response.status()).toBeLessThan(500);
  expect(response.status()).not.toBe(403);
});
