// Issue 16: the public pages in a family's own language (refer elsewhere is at the end of referrals.spec.ts, so its
// referrals do not disturb that file's inbox counts).
import type { Page } from "@playwright/test";
import { expect, expectAccessible, test } from "./fixtures";

const SERVICE_A = "Growing Together Parenting Course"; // Tay Family Links (provider.one), takes families' requests

test.describe.configure({ mode: "serial" });

async function servicePath(page: Page, name: string) {
  for (let p = 1; p <= 5; p++) {
    await page.goto(`/?page=${p}`);
    const link = page.getByRole("link", { name, exact: true });
    if (await link.count()) return (await link.first().getAttribute("href"))!.split("?")[0]!;
  }
  throw new Error(`no ${name} in the list`);
}

test("the directory, a service page and the self-referral form in Polish and in Arabic (right to left)", async ({ page }) => {
  test.setTimeout(120_000);
  const path = await servicePath(page, SERVICE_A);

  await page.goto(`${path}/self-referral?lang=pl`);
  await expect(page.locator("html")).toHaveAttribute("lang", "pl");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Poproś");
  await expect(page.getByLabel("Twoje imię i nazwisko")).toBeVisible();
  await expectAccessible(page);

  // The choice is remembered (cookie) on the next page without ?lang=.
  await page.goto("/track/lost");
  await expect(page.getByRole("heading", { level: 1, name: "Zgubiony link?" })).toBeVisible();

  // The switcher is plain links; Arabic turns the page right to left.
  await page.getByRole("link", { name: "العربية" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("html")).toHaveAttribute("lang", "ar");
  await expectAccessible(page);
  await page.goto(`${path}/self-referral`);
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("button", { name: "أرسل الطلب" })).toBeVisible();
  await expectAccessible(page);
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expectAccessible(page);
  await page.goto(path);
  await expectAccessible(page);

  // Back to English.
  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
});
