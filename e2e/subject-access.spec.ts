// Issue 18: a coordinator finds a child's two referrals from name and date of birth, downloads the subject-access
// file, then erases one with a reason; the audit log shows both.
import type { Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";

const SERVICE_A = "Growing Together Parenting Course";
const SERVICE_B = "Parents' Cuppa and Chat";
const CHILD = "Skye Subjectaccess";
const DOB = `${new Date().getUTCFullYear() - 6}-03-21`;

async function tickLabel(page: Page, label: string | RegExp, options: { exact?: boolean } = {}) {
  const box = page.getByLabel(label, options);
  if (!(await box.isChecked())) await page.locator(`label[for="${await box.getAttribute("id")}"]`).click();
  await expect(box).toBeChecked();
}

test("a coordinator finds a child's referrals, downloads them and erases one with a reason", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext();
  const referrer = await context.newPage();
  await signIn(referrer, DEMO.healthVisitor);
  await referrer.goto("/referrals/new");
  await referrer.waitForLoadState("networkidle");
  await referrer.getByLabel("Find a service").fill(SERVICE_A);
  await tickLabel(referrer, new RegExp(`^${SERVICE_A}`));
  await referrer.getByLabel("Find a service").fill(SERVICE_B);
  await tickLabel(referrer, new RegExp(`^${SERVICE_B.replace("'", ".")}`));
  await referrer.getByLabel("Child's full name").fill(CHILD);
  await referrer.getByLabel("Date of birth").fill(DOB);
  await referrer.getByLabel("Postcode where the child lives").fill("DD1 1AA");
  await referrer.getByLabel("Parent or carer's name").fill("Morag Subjectaccess");
  await referrer.getByLabel("Relationship to the child").fill("Mother");
  await referrer.getByLabel("Phone number").fill("01632 960004");
  await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
  await tickLabel(referrer, "Nurtured", { exact: true });
  await referrer.getByLabel("Describe the nurtured need (if ticked)").fill("Parenting support.");
  await referrer.getByLabel("What the family would like to happen").fill("A parenting group.");
  await referrer.getByLabel("Who gave consent").fill("Morag Subjectaccess (mother)");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await referrer.getByLabel("How consent was given").selectOption("verbal");
  await tickLabel(referrer, /The family agreed to this referral/);
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 2 services" })).toBeVisible();
  await context.close();

  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/subject-access");
  await page.getByLabel("Child's full name").fill(CHILD.toLowerCase());
  await page.getByLabel("Date of birth").fill(DOB);
  await page.getByRole("button", { name: "Find records" }).click();
  await expect(page.getByRole("heading", { name: /2 referrals and 0 drafts found/ })).toBeVisible();
  await expectAccessible(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /Download everything/ }).click();
  const file = await (await download).path();
  const { readFileSync } = await import("node:fs");
  expect(JSON.parse(readFileSync(file!, "utf8")).referrals.map((r: { childName: string }) => r.childName)).toEqual([CHILD, CHILD]);

  await page.waitForLoadState("networkidle");
  const first = page.getByRole("checkbox").first();
  await page.locator(`label[for="${await first.getAttribute("id")}"]`).click();
  await page.getByLabel("Reason for erasing").fill("Written request from the parent");
  await page.getByRole("button", { name: "Erase the chosen referrals" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Erased 1 referral" })).toBeVisible();

  await page.goto("/coordinator/audit");
  await expect(page.getByRole("cell", { name: "subject access export" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "subject erasure" }).first()).toBeVisible();
});
