import { expect, expectAccessible, test } from "./fixtures";

test("the home page lists published services, page by page", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Find family support" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText(/\d+ services, page 1 of \d+/);
  const services = page
    .getByRole("list", { name: "Services" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading") });
  await expect(services).toHaveCount(20);
  const firstName = await services.first().getByRole("heading").textContent();

  await page.getByRole("navigation", { name: "Pages of results" }).getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole("status")).toContainText("page 2 of");
  await expect(services.first().getByRole("heading")).not.toHaveText(firstName!);
  await expectAccessible(page);
});

test("a service page tells a family what it offers, who it is for, where and how to get it", async ({ page }) => {
  await page.goto("/");
  const first = page.getByRole("list", { name: "Services" }).getByRole("link").first();
  const name = (await first.textContent())!;
  await first.click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  for (const heading of ["What it offers", "Who it is for", "How to get this support", "Where", "Contact"]) {
    await expect(page.getByRole("heading", { level: 2, name: heading })).toBeVisible();
  }
  await expect(page.getByText(/Last checked on \d{1,2} \w+ \d{4}/)).toBeVisible();
  await expect(page.locator("address").first()).toContainText(/DD\d+ \d[A-Z]{2}/);
  await expect(page).toHaveTitle(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await expectAccessible(page);
});

test("an unknown service says so with a 404, not an error", async ({ page }) => {
  const response = await page.goto("/services/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Service not found" })).toBeVisible();
  const malformed = await page.goto("/services/not-an-id");
  expect(malformed?.status()).toBe(404);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the directory still lists and pages services", async ({ page }) => {
    await page.goto("/?page=2");
    await expect(page.getByRole("status")).toContainText("page 2 of");
    await page.getByRole("list", { name: "Services" }).getByRole("link").first().click();
    await expect(page.getByRole("heading", { level: 2, name: "What it offers" })).toBeVisible();
  });
});

test("the health check reports the database", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ ok: true, database: { state: "up" } });
});

test("pages carry security headers", async ({ request }) => {
  const response = await request.get("/");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["content-security-policy"]).toContain("https://tiles.fort.test");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
});
