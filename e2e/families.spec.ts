// Issue 16: the public pages in a family's own language, and a declined referral sent elsewhere.
import { DEMO, expect, expectAccessible, signIn, test, tick } from "./fixtures";

const SERVICE_A = "Growing Together Parenting Course"; // Tay Family Links (provider.one), takes families' requests
const SERVICE_B = "Parents' Cuppa and Chat"; // Hilltown Parents' Network (provider.two)

test.describe.configure({ mode: "serial" });

async function servicePath(page: import("@playwright/test").Page, name: string) {
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

test("after a decline, the referrer refers elsewhere in two clicks, consent confirmed again, both on one timeline", async ({ browser }) => {
  test.setTimeout(150_000);
  const referrer = await (await browser.newContext()).newPage();
  const provider = await (await browser.newContext()).newPage();
  await signIn(referrer, DEMO.healthVisitor);
  await signIn(provider, DEMO.providerTwo);

  await referrer.goto("/referrals/new");
  await referrer.waitForLoadState("networkidle");
  await tick(referrer.getByLabel(new RegExp(`^${SERVICE_B.replace("'", ".")}`)));
  await referrer.getByLabel("Child's full name").fill("Rowan Elsewhere");
  await referrer.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 6}-03-10`);
  await referrer.getByLabel("Postcode where the child lives").fill("DD1 1AA");
  await referrer.getByLabel("Parent or carer's name").fill("Morgan Elsewhere");
  await referrer.getByLabel("Relationship to the child").fill("Father");
  await referrer.getByLabel("Phone number").fill("01632 960009");
  await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
  await tick(referrer.getByLabel("Nurtured", { exact: true }));
  await referrer.getByLabel("Describe the nurtured need (if ticked)").fill("Dad would like a parenting group.");
  await referrer.getByLabel("What the family would like to happen").fill("A group near home.");
  await referrer.getByLabel("Who gave consent").fill("Morgan Elsewhere (father)");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await referrer.getByLabel("How consent was given").selectOption("verbal");
  await tick(referrer.getByLabel(/The family agreed to this referral/));
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 1 service" })).toBeVisible();

  // Provider B declines: no capacity.
  await provider.goto("/provider/referrals");
  await provider.getByRole("row").filter({ hasText: "Rowan E." }).first().getByRole("link").click();
  await provider.locator("summary", { hasText: "Decline" }).click();
  await provider.getByLabel("Reason for declining").selectOption("no_capacity");
  await provider.getByRole("button", { name: "Decline" }).click();
  await expect(provider.getByText("Done: Declined.")).toBeVisible();
  const declinedUrl = provider.url().split("?")[0]!.replace(/^https?:\/\/[^/]+/, "");

  // Click one: from the declined referral; the details are copied, consent is not.
  await referrer.goto(declinedUrl);
  await expect(referrer.getByRole("heading", { name: "Refer elsewhere" })).toBeVisible();
  const target = await referrer.locator("#elsewhere-service option", { hasText: SERVICE_A }).first().getAttribute("value");
  await referrer.getByLabel("Service to refer to").selectOption(target!);
  await referrer.getByRole("button", { name: "Start a new referral with these details" }).click();
  await expect(referrer.getByLabel("Child's full name")).toHaveValue("Rowan Elsewhere");
  await expect(referrer.getByLabel(/The family agreed to this referral/)).not.toBeChecked();
  await expectAccessible(referrer);
  await referrer.waitForLoadState("networkidle");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await tick(referrer.getByLabel(/The family agreed to this referral/));
  // Click two: send.
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 1 service" })).toBeVisible();

  // Both on one timeline: the declined one links to the new one.
  await referrer.goto(declinedUrl);
  await expect(referrer.getByText(/Linked referrals for this child/)).toContainText(SERVICE_A);
});
