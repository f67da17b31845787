import { writeFile } from "node:fs/promises";
import path from "node:path";
import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";
import type { Page } from "@playwright/test";

const FEED = path.resolve(process.cwd(), "e2e/fixtures/oruk-feed.json");
const FAIL_FIXTURE = path.resolve(process.cwd(), "../shared/standards/openreferral/uk/oruk-validator-mocks/V3.0-UK-Fail/service_full.json");
const NEW_SERVICE_ID = "7d3e9a10-0000-4000-8000-000000000001";

/**
 * A feed long enough that applying it takes a few seconds, so its progress page is seen: one new service, then
 * many records of services whose organisation FORT does not know. Those are read, checked and skipped like any
 * record but not saved, so the approval queue the later journeys use gets one service, not thousands.
 */
async function longFeed(file: string, prefix: string, name: string) {
  const id = (n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const organisation = { id: id(999_999), name: `${name} Families`, description: "A fictional community group." };
  const contents = [
    { id: id(1), name: `${name} Homework Club`, description: "Help with homework after school.", status: "active", organization: organisation },
    ...Array.from({ length: 20_000 }, (_, i) => ({
      id: id(i + 2),
      name: `${name} Play Session ${i + 2}`,
      description: "Play for under fives.",
      status: "active",
      organization_id: id(888_888),
    })),
  ];
  await writeFile(file, JSON.stringify({ contents }));
}

test("a coordinator imports a feed: preview first, nothing public until approved", async ({ page, request }) => {
  await signIn(page, DEMO.coordinator);
  await page.getByRole("link", { name: "Import services from an Open Referral feed" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import services from an Open Referral feed" })).toBeVisible();
  await expectAccessible(page);

  // Sending the form without a file says what to do next to the field.
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("alert")).toContainText("Choose the feed file to import");

  await page.getByLabel("Feed file").setInputFiles(FEED);
  await page.getByLabel("Where the data comes from (optional)").fill("Broughty Ferry families directory");
  await page.getByRole("button", { name: "Check the file" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Check what this import will do" })).toBeVisible();
  await expect(page.getByText("Nothing has changed yet.")).toBeVisible();
  const table = page.getByRole("table", { name: "What happens to each record in the file" });
  await expect(table.getByRole("row", { name: /Broughty Ferry Baby and Toddler Group.*Will be created/ })).toBeVisible();
  await expect(table.getByRole("row", { name: /Broughty Ferry Families Together.*Will be created/ })).toBeVisible();
  await expectAccessible(page);
  // The preview changed nothing.
  expect((await request.get(`/api/oruk/services/${NEW_SERVICE_ID}`)).status()).toBe(404);

  await page.getByRole("button", { name: "Import 2 services" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import complete" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("2 services are now awaiting approval");
  await expect(table.getByRole("row", { name: /Broughty Ferry Homework Club.*Created/ })).toBeVisible();
  await expectAccessible(page);

  // Awaiting approval: not in the public directory or the open API yet.
  expect((await request.get(`/api/oruk/services/${NEW_SERVICE_ID}`)).status()).toBe(404);
  expect((await request.get(`/services/${NEW_SERVICE_ID}`)).status()).toBe(404);

  // The same file again: matched by id, nothing to change.
  await page.goto("/coordinator/import");
  await expect(page.getByRole("row", { name: /oruk-feed\.json.*Imported/ })).toBeVisible();
  await page.getByLabel("Feed file").setInputFiles(FEED);
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(table.getByRole("row", { name: /Broughty Ferry Baby and Toddler Group.*No change/ })).toBeVisible();
  await expect(page.getByText("There is nothing new or changed in this file.")).toBeVisible();
});

test("an import that updates a published service waits as a field-level change; the published version stays until approved", async ({
  page,
  request,
}, testInfo) => {
  // The service as the open API publishes it, sent back as a feed with a new description.
  const list = await (await request.get("/api/oruk/services?per_page=100")).json();
  const listed = (list.contents as { id: string; name: string }[]).find((s) => s.name === "Hilltown Holiday Lunch Club");
  expect(listed, "the demo service is published").toBeDefined();
  const published = await (await request.get(`/api/oruk/services/${listed!.id}`)).json();
  const before = published.description as string;
  const after = "Free hot lunches and games for children in the school holidays, now on Fridays too.";
  expect(before).not.toBe(after);
  const feed = testInfo.outputPath("update-feed.json");
  const updated = { ...published, description: after, last_modified: new Date(Date.now() + 3_600_000).toISOString() };
  await writeFile(
    feed,
    JSON.stringify({ total_items: 1, total_pages: 1, page_number: 1, size: 1, first_page: true, last_page: true, empty: false, contents: [updated] }),
  );

  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/import");
  await page.getByLabel("Feed file").setInputFiles(feed);
  await page.getByRole("button", { name: "Check the file" }).click();
  const table = page.getByRole("table", { name: "What happens to each record in the file" });
  await expect(table.getByRole("row", { name: /Hilltown Holiday Lunch Club.*Will be updated/ })).toBeVisible();
  await page.getByRole("button", { name: /^Import/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import complete" })).toBeVisible();

  // Until a coordinator approves it, the public page still shows the published description.
  const publicPage = await page.context().newPage();
  await publicPage.goto(`/services/${listed!.id}`);
  await expect(publicPage.getByText(before)).toBeVisible();
  await expect(publicPage.getByText(after)).toHaveCount(0);

  // The approval page shows the change as the old value beside the new, and nothing else as changed.
  await page.goto("/coordinator/approvals");
  await page.getByRole("link", { name: "Hilltown Holiday Lunch Club" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Change to Hilltown Holiday Lunch Club" })).toBeVisible();
  await expect(page.getByText("from an Open Referral import")).toBeVisible();
  const changes = page.getByRole("table", { name: "What would change" });
  const row = changes.getByRole("row", { name: /^Description/ });
  await expect(row.getByRole("cell").nth(0)).toHaveText(before);
  await expect(row.getByRole("cell").nth(1)).toHaveText(after);
  await expect(changes.getByRole("row")).toHaveCount(2);
  await expectAccessible(page);

  await page.getByRole("button", { name: "Approve and publish" }).click();
  await expect(page).toHaveURL(/\/coordinator\/approvals$/);
  await publicPage.reload();
  await expect(publicPage.getByText(after)).toBeVisible();
  await expect(publicPage.getByText(before)).toHaveCount(0);
});

/** A coordinator uploads a long feed (one new service, many skipped records), checks it and confirms it. */
async function confirmLongImport(page: Page, feed: string, idPrefix: string, place: string) {
  await longFeed(feed, idPrefix, place);
  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/import");
  await page.getByLabel("Feed file").setInputFiles(feed);
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check what this import will do" })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Import 1 service" }).click();
}

test("a confirmed import runs in the background: the page shows its progress, then the report", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await confirmLongImport(page, testInfo.outputPath("kirkton-feed.json"), "5e0f7a21", "Kirkton");

  // Straight to the progress page, while the import is still running.
  await expect(page.getByRole("heading", { level: 1, name: "Importing" })).toBeVisible();
  await expect(page.getByText(/of about 20001 \(\d+%\)/)).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Records done" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Check progress" })).toBeVisible();
  await expectAccessible(page);
  // With JavaScript the page fetches fresh figures itself; it is never reloaded (the mark below would go).
  await page.evaluate(() => ((window as unknown as { fortMark: string }).fortMark = "same page"));

  await expect(page.getByRole("heading", { level: 1, name: "Import complete" })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole("status").filter({ hasText: "awaiting approval" })).toContainText("1 service is now awaiting approval");
  const table = page.getByRole("table", { name: "What happens to each record in the file" });
  await expect(table.getByRole("row", { name: /Kirkton Homework Club.*Created/ })).toBeVisible();
  await expect(page.getByRole("progressbar")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { fortMark?: string }).fortMark)).toBe("same page");
  await expectAccessible(page);

  // Confirming again (the form from another tab, say) is refused: it was applied once.
  const again = await page.request.post(page.url(), { form: { intent: "confirm" }, headers: { Origin: new URL(page.url()).origin } });
  expect(again.status()).toBe(409);
});

test("a feed that breaks the standard is refused with the reasons", async ({ page }) => {
  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/import");
  await page.getByLabel("Feed file").setInputFiles(FAIL_FIXTURE);
  await page.getByRole("button", { name: "Check the file" }).click();
  await expect(page.getByRole("heading", { name: "This file cannot be imported" })).toBeVisible();
  await expect(page.getByText(/url "example\/counselling" is not a full web address/)).toBeVisible();
  await expect(page.getByRole("button", { name: /^Import/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Discard this file" }).click();
  await expect(page).toHaveURL(/\/coordinator\/import$/);
  await expectAccessible(page);
});

test("only coordinators can import", async ({ page }) => {
  await signIn(page, DEMO.providerOne);
  const response = await page.goto("/coordinator/import");
  expect(response?.status()).toBe(403);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the upload and the preview still work", async ({ page }) => {
    await signIn(page, DEMO.coordinator);
    await page.goto("/coordinator/import");
    await page.getByLabel("Feed file").setInputFiles(FEED);
    await page.getByRole("button", { name: "Check the file" }).click();
    await expect(page.getByRole("heading", { level: 1, name: /Check what this import will do/ })).toBeVisible();
    // Already imported by the first journey, so there is nothing to confirm: only discarding is offered.
    await page.getByRole("button", { name: /^(Cancel|Discard this file)$/ }).click();
    await expect(page.getByRole("row", { name: /oruk-feed\.json.*Cancelled/ }).first()).toBeVisible();
  });

  test("the progress page refreshes itself until the import is done", async ({ page }, testInfo) => {
    test.setTimeout(120_000);
    await confirmLongImport(page, testInfo.outputPath("fintry-feed.json"), "5e0f7a22", "Fintry");
    await expect(page.getByRole("heading", { level: 1, name: "Importing" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Check progress" })).toBeVisible();
    // Nothing is clicked: the page's own refresh brings the report. (Axe needs JavaScript: the same pages are
    // checked in the journey above.)
    await expect(page.getByRole("heading", { level: 1, name: "Import complete" })).toBeVisible({ timeout: 60_000 });
    const table = page.getByRole("table", { name: "What happens to each record in the file" });
    await expect(table.getByRole("row", { name: /Fintry Homework Club.*Created/ })).toBeVisible();
  });
});

test("the directory is exported as a feed and published through the open API", async ({ page, request }) => {
  const api = await request.get("/api/oruk/services?per_page=5", { headers: { Origin: "https://other-directory.example.org" } });
  expect(api.status()).toBe(200);
  expect(api.headers()["access-control-allow-origin"]).toBe("*");
  const body = await api.json();
  expect(body.contents).toHaveLength(5);

  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/export");
  await expectAccessible(page);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^fort-directory-\d{4}-\d{2}-\d{2}\.json$/);
});
