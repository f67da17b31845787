// Issue 16: the public pages in a family's own language (refer elsewhere is at the end of referrals.spec.ts, so its
// referrals do not disturb that file's inbox counts).
import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Locator, Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, signIn, test, tick } from "./fixtures";

const SERVICE_A = "Growing Together Parenting Course"; // Tay Family Links (provider.one), takes families' requests

test.describe.configure({ mode: "serial" });

/** Chooses a design-system radio button by its label (the drawn circle sits over the real input). */
async function choose(scope: Page | Locator, label: string) {
  const radio = scope.getByLabel(label, { exact: true });
  await scope.locator(`label[for="${await radio.getAttribute("id")}"]`).click();
  await expect(radio).toBeChecked();
}

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

/** What FORT sent to the stand-in for GOV.UK Notify that scripts/e2e-server.mjs runs (one JSON line per request). */
function notifyRequests(): { method: string; path: string; bearer: boolean; body: Record<string, unknown> | null }[] {
  return readFileSync("data/e2e-notify.jsonl", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReturnType<typeof notifyRequests>[number]);
}

async function newVisitor(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route("https://tiles.fort.test/**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: Buffer.alloc(0) }));
  return { context, page };
}

test("a family gets its private link by text message, closes the browser, and follows the link later", async ({ browser }) => {
  test.setTimeout(120_000);
  const family = await newVisitor(browser);
  const path = await servicePath(family.page, SERVICE_A);
  await family.page.goto(`${path}/self-referral?lang=en`);
  await expect(family.page.getByRole("button", { name: "Send request" })).toBeEnabled();
  const phone = `07700 900${String(Date.now()).slice(-3)}`;
  await family.page.getByLabel("Your name").fill("Robin Texter");
  await family.page.getByLabel("How should they contact you").selectOption("text");
  await family.page.getByLabel("Phone number").fill(phone);
  await tick(family.page.getByLabel("Do not leave a voicemail"));
  await tick(family.page.getByLabel("By text message", { exact: true }));
  await family.page.getByLabel("Your child's age in years").fill("6");
  await family.page.getByLabel("What help would you like").fill("Someone to talk to about sleep.");
  await tick(family.page.getByLabel(/I agree to Tay Family Links holding these details/));
  await family.page.getByRole("button", { name: "Send request" }).click();
  await expect(family.page.getByRole("heading", { name: "Request sent" })).toBeVisible();
  await expect(family.page.getByText("We have also sent this link to your phone by text message.")).toBeVisible();
  const reference = /\/track\/(FR-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(family.page.url())![1]!;
  // The family closes the browser before the text arrives: the page and its cookies are gone.
  await family.context.close();

  // The text reaches Notify through its client: the SMS endpoint, a signed token, the template, the number, the link.
  let text: ReturnType<typeof notifyRequests>[number] | undefined;
  await expect(async () => {
    text = notifyRequests().find((r) => JSON.stringify(r.body).includes(`/track/${reference}?key=`));
    expect(text).toBeDefined();
  }).toPass({ timeout: 30_000 });
  expect(text).toMatchObject({ method: "POST", path: "/v2/notifications/sms", bearer: true });
  expect(text!.body).toMatchObject({ phone_number: phone, template_id: "f33517ff-2a88-4f6e-b855-c550268ce08a" });
  const body = (text!.body!.personalisation as { body: string }).body;
  const link = /https?:\/\/\S+\/track\/FR-\S+/.exec(body)![0];

  // The provider accepts with a note meant for the family, and one for its team only.
  const providerContext = await browser.newContext();
  const provider = await providerContext.newPage();
  await signIn(provider, DEMO.providerOne);
  await provider.goto("/provider/referrals");
  await provider.getByRole("row").filter({ hasText: reference }).getByRole("link").click();
  await expect(provider.getByText(/text message/i).first()).toBeVisible();
  await expect(provider.getByText("leave a voicemail")).toBeVisible();
  await provider.getByLabel("Write a message").fill("Team: Shona will call after 10.");
  await choose(provider.locator("#message"), "Our team only");
  await provider.getByRole("button", { name: "Send message" }).click();
  await expect(provider.getByText("Done: Your message was sent.")).toBeVisible();
  const accept = provider.locator("#action-accept");
  await accept.getByLabel("Note (optional)").fill("Come along Monday 9:30, ask for Shona.");
  await choose(accept, "The family (on their tracking page)");
  await provider.getByRole("button", { name: "Accept" }).click();
  await expect(provider.getByText("Done: Accepted.")).toBeVisible();
  await providerContext.close();

  // Later, in a new browser, the link from the text shows what is meant for the family, and the next step.
  const later = await newVisitor(browser);
  await later.page.goto(link);
  await expect(later.page.getByRole("heading", { name: "Next step" })).toBeVisible();
  await expect(later.page.getByText("Come along Monday 9:30, ask for Shona.").first()).toBeVisible();
  await expect(later.page.getByText("The service accepted your request")).toBeVisible();
  await expect(later.page.getByText("Team: Shona will call after 10.")).toHaveCount(0);
  await expectAccessible(later.page);

  // Withdrawing is its own action, apart from sending a message.
  await later.page.getByLabel("Why you are withdrawing").fill("We found help nearer home.");
  await later.page.getByRole("button", { name: "Withdraw my request" }).click();
  await expect(later.page.getByText("Withdrawn").first()).toBeVisible();
  await expect(later.page.getByRole("button", { name: "Withdraw my request" })).toHaveCount(0);
  await later.context.close();
});
