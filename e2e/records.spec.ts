// Issue 15: records that stay true. A provider's one-field edit of a two-place service shows as one change and
// keeps both places; a coordinator's reading of a child's details shows in the audit, the referral's own
// history and the CSV.
import { readFile } from "node:fs/promises";
import type { Browser, Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";

const TWO_PLACES = "Family Support at Home";
const SERVICE_A = "Growing Together Parenting Course"; // Tay Family Links (provider.one)
const CHILD = "Avery Audittest";

async function signedIn(browser: Browser, who: { email: string; password: string }, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.route("https://tiles.fort.test/**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: Buffer.alloc(0) }));
  await signIn(page, who);
  return page;
}

async function tick(page: Page, label: string | RegExp, options: { exact?: boolean } = {}) {
  const box = page.getByLabel(label, options);
  if (!(await box.isChecked())) await page.locator(`label[for="${await box.getAttribute("id")}"]`).click();
  await expect(box).toBeChecked();
}

test.describe.configure({ mode: "serial" });

test("a provider's one-field edit of a two-place service shows as one change and keeps both places", async ({ browser }) => {
  test.setTimeout(120_000);
  const provider = await signedIn(browser, DEMO.providerOne);
  await provider.goto("/provider/services");
  await provider.getByRole("link", { name: TWO_PLACES }).click();
  await expect(provider).toHaveURL(/\/provider\/services\/[0-9a-f-]{36}$/);
  const serviceId = new URL(provider.url()).pathname.split("/").pop()!;
  await expect(provider.getByRole("group", { name: "Place 1", exact: true })).toBeVisible();
  await expect(provider.getByRole("group", { name: "Place 2", exact: true })).toBeVisible();
  await expectAccessible(provider);
  await provider.waitForLoadState("networkidle");
  await provider.getByLabel("Summary").fill("A family worker visits you at home for up to six months, at times that suit you.");
  await provider.getByRole("button", { name: "Send changes for approval" }).click();
  await expect(provider.getByText("A FORT coordinator will check your changes")).toBeVisible();

  // Without JavaScript, "Add another place" is a plain submit that brings the form back with a third place.
  const noScript = await signedIn(browser, DEMO.providerOne, { javaScriptEnabled: false });
  await noScript.goto(`/provider/services/${serviceId}`);
  await expect(noScript.getByRole("heading", { level: 1 })).toHaveText(TWO_PLACES);
  await noScript.getByRole("button", { name: "Add another place" }).click();
  await expect(noScript.getByRole("group", { name: "Place 3", exact: true })).toBeVisible();
  await expect(noScript.getByRole("button", { name: "Remove place 3" })).toBeVisible();

  const coordinator = await signedIn(browser, DEMO.coordinator);
  await coordinator.goto("/coordinator/approvals");
  await coordinator.getByRole("link", { name: TWO_PLACES }).click();
  await expect(coordinator.getByRole("heading", { level: 1 })).toHaveText(`Change to ${TWO_PLACES}`);
  const changed = coordinator.locator("#changed-fields tbody tr");
  await expect(changed).toHaveCount(1);
  await expect(changed.first().getByRole("rowheader")).toHaveText("Summary");
  await expect(changed.first()).toContainText("at times that suit you");
  const places = coordinator.locator("#places tbody tr");
  await expect(places).toHaveCount(2);
  await expect(places.nth(0)).toContainText("Unchanged");
  await expect(places.nth(1)).toContainText("Unchanged");
  await expectAccessible(coordinator);
  await coordinator.getByRole("button", { name: "Approve and publish" }).click();
  await expect(coordinator).toHaveURL(/\/coordinator\/approvals$/);

  const visitor = await browser.newPage();
  await visitor.route("https://tiles.fort.test/**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: Buffer.alloc(0) }));
  await visitor.goto(`/services/${serviceId}`);
  await expect(visitor.getByText("at times that suit you")).toBeVisible();
  const where = visitor.locator("section[aria-label] h3");
  await expect(where).toHaveCount(2);
});

test("a coordinator's reading of a referral's personal details shows in the audit, the referral's history and the CSV", async ({ browser }) => {
  test.setTimeout(120_000);
  const referrer = await signedIn(browser, DEMO.healthVisitor);
  await referrer.goto("/referrals/new");
  await referrer.waitForLoadState("networkidle");
  await referrer.getByLabel("Find a service").fill(SERVICE_A);
  await tick(referrer, new RegExp(`^${SERVICE_A}`));
  await referrer.getByLabel("Child's full name").fill(CHILD);
  await referrer.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 5}-03-10`);
  await referrer.getByLabel("Postcode where the child lives").fill("DD1 1AA");
  await referrer.getByLabel("Parent or carer's name").fill("Sam Audittest");
  await referrer.getByLabel("Relationship to the child").fill("Father");
  await referrer.getByLabel("Phone number").fill("01632 960002");
  await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
  await tick(referrer, "Nurtured", { exact: true });
  await referrer.getByLabel("Describe the nurtured need (if ticked)").fill("Dad would like support with routines.");
  await referrer.getByLabel("What the family would like to happen").fill("A parenting group.");
  await referrer.getByLabel("Who gave consent").fill("Sam Audittest (father)");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await referrer.getByLabel("How consent was given").selectOption("verbal");
  await tick(referrer, /The family agreed to this referral/);
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent" })).toBeVisible();
  await referrer.goto("/referrals");
  const reference = (await referrer.getByRole("row").filter({ hasText: "Avery" }).first().getByRole("link").first().textContent())!.trim();
  expect(reference).toMatch(/^FR-/);

  const coordinator = await signedIn(browser, DEMO.coordinator);
  await coordinator.goto("/coordinator/referrals");
  await coordinator.getByRole("link", { name: reference }).first().click();
  const reason = "Checking a concern the school raised about this family";
  await coordinator.getByLabel("Why you need to see the personal details").fill(reason);
  await coordinator.getByRole("button", { name: "Open personal details" }).click();
  await expect(coordinator.getByRole("heading", { level: 1 })).toContainText(CHILD);
  const history = coordinator.getByRole("region", { name: "Who has seen or changed this referral" });
  await expect(history.getByRole("row").filter({ hasText: reason })).toContainText("Morag Henderson");

  await coordinator.goto("/coordinator/audit");
  await coordinator.getByLabel("Referral reference").fill(reference);
  await coordinator.getByRole("button", { name: "Show entries" }).click();
  const row = coordinator.getByRole("row").filter({ hasText: reason });
  await expect(row).toContainText("Morag Henderson");
  await expect(row).toContainText(reference);
  await expect(row.locator("time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T/);
  await expect(coordinator.getByRole("row").filter({ hasText: "Aileen Baxter" }).first()).toContainText("Changed the referral");
  await expectAccessible(coordinator);

  const downloadPromise = coordinator.waitForEvent("download");
  await coordinator.getByRole("link", { name: "Download these entries as CSV" }).click();
  const csv = await readFile((await (await downloadPromise).path())!, "utf8");
  expect(csv.startsWith("\uFEFFWhen (UTC),Person,Role,Organisation,What,Referral reference")).toBe(true);
  const line = csv.split("\r\n").find((l) => l.includes(reason))!;
  expect(line).toContain("Morag Henderson,coordinator,");
  expect(line).toContain(reference);
});
