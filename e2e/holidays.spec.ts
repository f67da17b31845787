import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";

// The first Monday of October next year: always on the page (this year and next are listed) and never a bank holiday.
function firstMondayOfOctoberNextYear() {
  const year = new Date().getUTCFullYear() + 1;
  const d = new Date(Date.UTC(year, 9, 1));
  while (d.getUTCDay() !== 1) d.setUTCDate(d.getUTCDate() + 1);
  return { iso: d.toISOString().slice(0, 10), year };
}

test("a coordinator adds and removes a local holiday beside the bank holidays", async ({ page }) => {
  const { iso, year } = firstMondayOfOctoberNextYear();
  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/approvals");
  await page.getByRole("navigation", { name: "Coordinator" }).getByRole("link", { name: "Holidays" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Holidays" })).toBeVisible();
  const table = page.getByRole("table", { name: /Bank and local holidays/ });
  await expect(table.getByRole("row", { name: new RegExp(`25 December ${year}.*Christmas Day.*Bank holiday`) })).toBeVisible();
  await expectAccessible(page);

  // Bad input: the message is beside the field and what was typed stays.
  await page.getByLabel("Name").fill("Dundee autumn holiday");
  await page.getByRole("button", { name: "Add local holiday" }).click();
  // Beside the field, and in the summary at the top with a link to it.
  await expect(page.locator("#holiday-day-error")).toHaveText("Enter the date of the holiday");
  await expect(page.getByRole("alert").getByRole("link", { name: "Enter the date of the holiday" })).toHaveAttribute("href", "#holiday-day");
  await expect(page.getByLabel("Name")).toHaveValue("Dundee autumn holiday");
  await expectAccessible(page);

  await page.getByLabel("Date").fill(iso);
  await page.getByRole("button", { name: "Add local holiday" }).click();
  await expect(page.getByRole("status")).toContainText("Dundee autumn holiday added");
  const row = table.getByRole("row", { name: /Dundee autumn holiday/ });
  await expect(row).toContainText("Local holiday, added by");

  await row.getByRole("button", { name: "Remove Dundee autumn holiday" }).click();
  await expect(page.getByRole("status")).toContainText("Local holiday removed");
  await expect(table.getByRole("row", { name: /Dundee autumn holiday/ })).toHaveCount(0);
});

test("only coordinators see the holidays page", async ({ page }) => {
  await signIn(page, DEMO.providerOne);
  expect((await page.goto("/coordinator/holidays"))?.status()).toBe(403);
});
