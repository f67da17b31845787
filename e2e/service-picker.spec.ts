// The referral form's service picker: preset from the directory, quick by keyboard, and working without JavaScript.
import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";

test("a referrer who filtered the directory by need and age picks two services by keyboard in under 15 key presses", async ({ page }) => {
  await signIn(page, DEMO.healthVisitor);
  await page.goto("/?need=nurtured&age=4");
  await page.getByRole("link", { name: "Start a referral with these filters" }).click();
  await expect(page).toHaveURL(/\/referrals\/new\?need=nurtured&age=4/);
  await page.waitForLoadState("networkidle");
  const picker = page.getByRole("group", { name: "Services to send it to" });
  await expect(picker.getByText("Filters: Nurtured, age 4")).toBeVisible();
  const candidates = picker.getByRole("list", { name: "Matching services" }).getByRole("checkbox");
  // Each candidate shows capacity and who it is for before it is chosen.
  await expect(picker.getByRole("list", { name: "Matching services" }).getByRole("listitem").first()).toContainText(/Ages /);
  await expect(picker.getByRole("list", { name: "Matching services" }).getByRole("listitem").first()).toContainText(
    /Accepting referrals|Waiting list|Not accepting/i,
  );

  let presses = 0;
  const press = async (key: string) => {
    presses++;
    await page.keyboard.press(key);
  };
  await page.getByLabel("Find a service").focus();
  // The list follows the typing a moment later: wait for the answer to the whole word, so that it cannot re-render
  // under the key presses that follow.
  const answered = page.waitForResponse((response) => /[?&]pick_q=parent(&|$)/.test(response.url()));
  for (const key of "parent") await press(key);
  await answered;
  await expect(picker.getByRole("status")).toContainText(/match/);
  await expect(candidates.first()).toBeVisible();
  await expect(async () => expect(await candidates.count()).toBeGreaterThanOrEqual(2)).toPass();
  await press("Tab"); // Find services
  await press("Tab"); // the filters
  await press("Tab"); // the first candidate
  await press("Space");
  await press("Tab");
  await press("Space");
  await expect(candidates.nth(0)).toBeChecked();
  await expect(candidates.nth(1)).toBeChecked();
  expect(presses).toBeLessThan(15);
  await expectAccessible(page);
});

test("typing narrows the list with the directory's understanding of words", async ({ page }) => {
  await signIn(page, DEMO.healthVisitor);
  await page.goto("/referrals/new");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Find a service").fill("greif");
  await expect(page.getByRole("list", { name: "Matching services" })).toContainText("Children's Bereavement Support");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the server filters the picker and keeps what was typed", async ({ page }) => {
    await signIn(page, DEMO.teacher);
    await page.goto("/referrals/new");
    await page.getByLabel("Child's full name").fill("Robin Picker");
    await page.getByLabel("Find a service").fill("bereavement");
    await page.getByRole("button", { name: "Find services" }).click();
    const list = page.getByRole("list", { name: "Matching services" });
    await expect(list).toContainText("Children's Bereavement Support");
    await expect(page.getByLabel("Child's full name")).toHaveValue("Robin Picker");
    await page.locator(`label[for="${await page.getByLabel(/^Children's Bereavement Support/).getAttribute("id")}"]`).click();
    await page.getByLabel("Find a service").fill("young carers");
    await page.getByRole("button", { name: "Find services" }).click();
    // The service chosen before stays chosen while the list shows other services.
    await expect(page.getByRole("list", { name: "Chosen services" }).getByRole("checkbox", { name: /Children's Bereavement Support/ })).toBeChecked();
  });
});
