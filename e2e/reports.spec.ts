import { readFile } from "node:fs/promises";
import { DEMO, expect, expectAccessible, signIn, test, tick } from "./fixtures";

// A Lochee postcode and a need no other journey uses, so the filtered figures are exactly this referral.
const SERVICE = "Growing Together Parenting Course";
const LOCHEE_POSTCODE = "DD1 9JW";

test.describe.configure({ mode: "serial" });

test("a coordinator filters the dashboard by ward and need, downloads the CSV, and opens the stale-records list", async ({ browser, page }) => {
  test.setTimeout(120_000);
  // A health visitor sends a referral from Lochee about the child feeling respected.
  const referrerContext = await browser.newContext();
  const referrer = await referrerContext.newPage();
  await signIn(referrer, DEMO.healthVisitor);
  await referrer.goto("/referrals/new");
  // Fill the form once the page has hydrated, so React does not reset what was typed.
  await referrer.waitForLoadState("networkidle");
  await expect(referrer.getByText("FORT is not for child protection")).toBeVisible();
  await referrer.getByLabel("Find a service").fill(SERVICE);
  await tick(referrer.getByLabel(new RegExp(`^${SERVICE}`)));
  await referrer.getByLabel("Child's full name").fill("Alex Reportchild");
  await referrer.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 7}-03-10`);
  await referrer.getByLabel("Postcode where the child lives").fill(LOCHEE_POSTCODE);
  await referrer.getByLabel("Parent or carer's name").fill("Chris Reportparent");
  await referrer.getByLabel("Relationship to the child").fill("Father");
  await referrer.getByLabel("Phone number").fill("01632 960003");
  await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
  await tick(referrer.getByLabel("Respected", { exact: true }));
  await referrer.getByLabel("Describe the respected need (if ticked)").fill("Alex would like to be listened to about changes at home.");
  await referrer.getByLabel("What the family would like to happen").fill("Someone to help the family talk together.");
  await referrer.getByLabel("Who gave consent").fill("Chris Reportparent (father)");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await referrer.getByLabel("How consent was given").selectOption("verbal");
  await tick(referrer.getByLabel(/The family agreed to this referral/));
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 1 service" })).toBeVisible();
  await referrerContext.close();

  // The coordinator finds the reports from the coordinator navigation.
  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/approvals");
  await page.getByRole("navigation", { name: "Coordinator" }).getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Ward", { exact: true }).selectOption({ label: "Lochee" });
  await page.getByLabel("Wellbeing need", { exact: true }).selectOption({ label: "Respected" });
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/ward=S13002546/);
  await expect(page).toHaveURL(/need=respected/);
  // The filters stay chosen, and the figures are this one referral's.
  await expect(page.getByLabel("Ward", { exact: true })).toHaveValue("S13002546");
  const figures = page.getByRole("definition").first();
  await expect(figures).toHaveText("1");
  const needTable = page.locator("#by-need-table");
  await expect(needTable.getByRole("row", { name: /Respected/ })).toContainText("1");
  await expectAccessible(page);

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download “Referrals by wellbeing need (SHANARRI)” as CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^fort-by-need-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-S13002546-respected\.csv$/);
  const text = await readFile((await download.path())!, "utf8");
  // A byte-order mark first, so Excel reads the file as UTF-8.
  expect(text.startsWith("\uFEFFNeed,Referrals")).toBe(true);
  const csv = text.trim().split("\r\n");
  expect(csv[0]).toBe("Need,Referrals");
  expect(csv).toContain("Respected,1");
  expect(csv).toContain("Nurtured,0");
  expect(csv).toHaveLength(9);

  // The gap analysis keeps a single referral hidden.
  await page.getByRole("link", { name: "gaps in provision by ward" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Gaps in provision" })).toBeVisible();
  await expect(page.locator("#gaps-table").getByRole("row", { name: /Lochee/ })).toContainText("fewer than 5");
  await expect(page.locator(".leaflet-container")).toBeVisible();
  await expectAccessible(page);

  // And the stale records.
  await page.getByRole("navigation", { name: "Coordinator" }).getByRole("link", { name: "Stale records" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Stale records" })).toBeVisible();
  await expect(page.getByRole("table")).toBeVisible();
  await expectAccessible(page);
});
