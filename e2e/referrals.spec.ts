import type { Browser, Locator, Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, signIn, test, tick as tickBox } from "./fixtures";

// Two services of the two demo provider organisations that both fit a six-year-old in Maryfield (DD1 1AA).
const SERVICE_A = "Growing Together Parenting Course"; // Tay Family Links (provider.one)
const SERVICE_B = "Parents' Cuppa and Chat"; // Hilltown Parents' Network (provider.two)
const CHILD = "Jamie Testchild";

async function signedIn(browser: Browser, who: { email: string; password: string }): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route("https://tiles.fort.test/**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: Buffer.alloc(0) }));
  await signIn(page, who);
  return page;
}

/** Ticks a design-system checkbox the way a person does, by its label (the real input sits under the drawn box). */
async function tick(page: Page, label: string | RegExp, options: { exact?: boolean } = {}) {
  const box = page.getByLabel(label, options);
  if (!(await box.isChecked())) await page.locator(`label[for="${await box.getAttribute("id")}"]`).click();
  await expect(box).toBeChecked();
}

/** Chooses a design-system radio button by its label (the drawn circle sits over the real input). */
async function choose(scope: Page | Locator, label: string) {
  const radio = scope.getByLabel(label, { exact: true });
  await scope.locator(`label[for="${await radio.getAttribute("id")}"]`).click();
  await expect(radio).toBeChecked();
}

/** Forms are usable before JS loads, but ticking a box while React hydrates can be undone; wait for it on form pages. */
async function hydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

/** The page's live connection is open, so what happens next must appear without a reload. */
async function live(page: Page) {
  await expect(page.locator("[data-live]")).toHaveAttribute("data-live", "connected");
}

test.describe.configure({ mode: "serial" });

test("a referral goes to two services and every step shows live on the other side", async ({ browser }) => {
  test.setTimeout(180_000);
  const referrer = await signedIn(browser, DEMO.healthVisitor);
  const providerA = await signedIn(browser, DEMO.providerOne);
  const providerB = await signedIn(browser, DEMO.providerTwo);

  // Both providers are looking at their inboxes before the referral is sent.
  await providerA.goto("/provider/referrals");
  await providerB.goto("/provider/referrals");
  await live(providerA);
  await live(providerB);
  await expectAccessible(providerA);
  // Other journeys may have left referrals in these inboxes: what matters is the one this test sends.
  const unreadBefore = (await providerA.getByTestId("unread-count").count()) ? Number(await providerA.getByTestId("unread-count").textContent()) : 0;

  await referrer.goto("/referrals/new");
  await hydrated(referrer);
  await expect(referrer.getByText("FORT is not for child protection")).toBeVisible();
  await expect(referrer.getByRole("link", { name: "local child protection procedure" })).toBeVisible();
  await expectAccessible(referrer);
  await referrer.getByLabel("Find a service").fill(SERVICE_A);
  await tick(referrer, new RegExp(`^${SERVICE_A}`));
  await referrer.getByLabel("Find a service").fill(SERVICE_B);
  await tick(referrer, new RegExp(`^${SERVICE_B.replace("'", ".")}`));
  await referrer.getByLabel("Child's full name").fill(CHILD);
  await referrer.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 6}-01-15`);
  await referrer.getByLabel("Postcode where the child lives").fill("DD1 1AA");
  await referrer.getByLabel("Parent or carer's name").fill("Jo Testparent");
  await referrer.getByLabel("Relationship to the child").fill("Mother");
  await referrer.getByLabel("Phone number").fill("01632 960001");
  await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
  await tick(referrer, "Nurtured", { exact: true });
  await referrer.getByLabel("Describe the nurtured need (if ticked)").fill("Mum is isolated since moving to the area and would like parenting support.");
  await referrer.getByLabel("What the family would like to happen").fill("A parenting group and someone to talk to.");
  await referrer.getByLabel("Who gave consent").fill("Jo Testparent (mother)");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await referrer.getByLabel("How consent was given").selectOption("verbal");
  await tick(referrer, /The family agreed to this referral/);
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 2 services" })).toBeVisible();
  await expectAccessible(referrer);

  // The new referral arrives in each provider's inbox without a reload.
  const rowA = providerA.getByRole("row").filter({ hasText: SERVICE_A }).filter({ hasText: "Jamie T." });
  const rowB = providerB.getByRole("row").filter({ hasText: SERVICE_B }).filter({ hasText: "Jamie T." });
  await expect(rowA).toBeVisible();
  await expect(rowB).toBeVisible();
  await expect(providerA.getByTestId("unread-count")).toHaveText(String(unreadBefore + 1));

  // Provider A asks for more information.
  await rowA.getByRole("link").click();
  await expect(providerA.getByRole("heading", { level: 1 })).toContainText(CHILD);
  await expectAccessible(providerA);
  await providerA.locator("summary", { hasText: "Ask for more information" }).click();
  await providerA.getByLabel("What information you need").fill("Which days can Jo attend a group?");
  await providerA.getByRole("button", { name: "Ask for more information" }).click();
  await expect(providerA.getByText("Information requested").first()).toBeVisible();
  await live(providerA);

  // The referrer's dashboard shows the question without a reload.
  await referrer.goto("/referrals");
  await live(referrer);
  await expect(referrer.getByTestId("Waiting for your answer")).toContainText(SERVICE_A);
  await referrer.getByTestId("Waiting for your answer").getByRole("link").first().click();
  await expect(referrer.getByText("Which days can Jo attend a group?")).toBeVisible();
  await live(referrer);
  await referrer.getByLabel("The information asked for").fill("Tuesdays and Thursdays after 10am.");
  await referrer.getByRole("button", { name: "Send the information asked for" }).click();
  await expect(referrer.getByText("Done: Answered the request for information.")).toBeVisible();
  await live(referrer);

  // Provider A sees the answer arrive, marked as received, then accepts, starts support and closes.
  await expect(providerA.getByText("Tuesdays and Thursdays after 10am.")).toBeVisible();
  await expect(providerA.getByText("Information received, awaiting a response").first()).toBeVisible();
  await providerA.getByRole("button", { name: "Accept" }).click();
  await expect(referrer.getByText("Accepted").first()).toBeVisible();
  await live(providerA);
  await providerA.getByRole("button", { name: "Record first contact / support started" }).click();
  await expect(referrer.getByText("Support under way").first()).toBeVisible();
  await live(providerA);
  await providerA.locator("summary", { hasText: "Close with an outcome" }).click();
  await providerA.getByLabel("Outcome", { exact: true }).selectOption("needs_met");
  await providerA.getByLabel("Outcome for the nurtured need").selectOption("met");
  await providerA.getByRole("button", { name: "Close with an outcome" }).click();
  await expect(providerA.getByText("Done: Closed.")).toBeVisible();
  await expect(referrer.getByText("Needs met").first()).toBeVisible();

  // The referrer watches the dashboard while provider B declines: no capacity.
  await referrer.goto("/referrals");
  await live(referrer);
  await expect(referrer.getByTestId("Closed")).toContainText("Needs met");
  await rowB.getByRole("link").click();
  await providerB.locator("summary", { hasText: "Decline" }).click();
  await providerB.getByLabel("Reason for declining").selectOption("no_capacity");
  await providerB.getByRole("button", { name: "Decline" }).click();
  await expect(providerB.getByText("Done: Declined.")).toBeVisible();

  // The referrer's dashboard shows both outcomes, the decline arriving without a reload.
  await expect(referrer.getByTestId("Declined")).toContainText("No capacity / waiting list full");
  await expectAccessible(referrer);

  // Another provider organisation cannot open the referral, whatever the link.
  const referralUrl = providerA.url().split("?")[0]!;
  const response = await providerB.goto(referralUrl);
  expect(response?.status()).toBe(404);
  await expect(providerB.getByRole("heading", { name: "Referral not found" })).toBeVisible();
});

test("bad input keeps everything typed and puts each error beside its field", async ({ page }) => {
  await signIn(page, DEMO.teacher);
  await page.goto("/referrals/new");
  await hydrated(page);
  await page.getByLabel("Child's full name").fill("Sam Example");
  await page.getByLabel("Postcode where the child lives").fill("ZZ9 ZZZ");
  await page.getByLabel("What the family would like to happen").fill("Help with mornings");
  await page.getByRole("button", { name: "Send referral" }).click();
  await expect(page.getByRole("alert").getByText("There is a problem")).toBeVisible();
  await expect(page.getByText("Enter a real postcode, like DD3 6HQ").first()).toBeVisible();
  await expect(page.getByText("Choose at least one service to send the referral to").first()).toBeVisible();
  await expect(page.getByLabel("Child's full name")).toHaveValue("Sam Example");
  await expect(page.getByLabel("What the family would like to happen")).toHaveValue("Help with mornings");
  await expectAccessible(page);

  // What was typed was saved as a draft without pressing anything, and can be picked up again.
  const savedStatus = page.locator("[data-saved-at]");
  const savedBefore = (await savedStatus.getAttribute("data-saved-at")) ?? "";
  await page.getByLabel("School or nursery (if any)").fill("Baxter Park Primary");
  await expect(savedStatus).not.toHaveAttribute("data-saved-at", savedBefore);
  await expect(page.getByText(/^Draft saved at \d{2}:\d{2}$/)).toBeVisible();
  await page.goto("/referrals");
  await page.getByRole("link", { name: "Continue the draft for Sam Example" }).click();
  await expect(page.getByLabel("School or nursery (if any)")).toHaveValue("Baxter Park Primary");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the server refuses bad input with errors beside the fields, and a draft can be saved and resumed", async ({ page }) => {
    await signIn(page, DEMO.teacher);
    await page.goto("/referrals/new");
    await page.getByLabel("Child's full name").fill("Robin Draft");
    await page.getByLabel("Date of birth").fill("2099-01-01");
    await page.getByRole("button", { name: "Send referral" }).click();
    await expect(page.getByText("The date of birth must be today or in the past").first()).toBeVisible();
    await expect(page.getByLabel("Child's full name")).toHaveValue("Robin Draft");
    await page.getByRole("button", { name: "Save draft" }).click();
    await expect(page.getByText("Your draft is saved")).toBeVisible();
    await page.goto("/referrals");
    await page.getByRole("link", { name: "Continue the draft for Robin Draft" }).click();
    await expect(page.getByLabel("Child's full name")).toHaveValue("Robin Draft");
  });
});

test("a family asks for help itself and follows its request with the secret link", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const provider = await signedIn(browser, DEMO.providerOne);
  await provider.goto("/provider/referrals");
  await live(provider);

  // Find the service in the public list.
  let found = false;
  for (let p = 1; p <= 5 && !found; p++) {
    await page.goto(`/?page=${p}`);
    const link = page.getByRole("link", { name: SERVICE_A, exact: true });
    if (await link.count()) {
      await link.click();
      found = true;
    }
  }
  expect(found).toBe(true);
  await page.getByRole("link", { name: "Ask this service for help for your family" }).click();
  await hydrated(page);
  await expectAccessible(page);
  const email = `alex.${Date.now()}@example.org`;
  await page.getByLabel("Your name").fill("Alex Family");
  await page.getByLabel("How should they contact you").selectOption("email");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Good times to contact you (optional)").fill("Weekday mornings");
  await tick(page, "Do not leave a voicemail");
  await choose(page, "By email");
  await page.getByLabel("Your child's age in years").fill("5");
  await page.getByLabel("What help would you like").fill("Ideas for bedtime battles.");
  await tick(page, /I agree to Tay Family Links holding these details/);
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByRole("heading", { name: "Request sent" })).toBeVisible();
  await expect(page.getByText("We have also sent this link to your email address.")).toBeVisible();
  const reference = /\/track\/(FR-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(page.url())![1]!;
  await expect(page.getByText(new RegExp(`Your reference is ${reference}`))).toBeVisible();
  const firstLink = page.url().replace(/&new=1.*$/, "");
  await expectAccessible(page);

  // It arrives in the provider's inbox live, with the family's contact wishes; the provider writes to the family.
  const row = provider.getByRole("row").filter({ hasText: reference });
  await expect(row).toContainText("Family request");
  await row.getByRole("link").click();
  await expect(provider.getByText("leave a voicemail")).toBeVisible();
  await provider.getByLabel("Write a message").fill("Hello Alex, we will phone you on Monday.");
  await choose(provider.locator("#message"), "The family (on their tracking page)");
  await provider.getByRole("button", { name: "Send message" }).click();
  await expect(provider.getByText("Done: Your message was sent.")).toBeVisible();
  await provider.getByLabel("Write a message").fill("Team: Shona has space on Monday.");
  await choose(provider.locator("#message"), "Our team only");
  await provider.getByRole("button", { name: "Send message" }).click();
  await expect(provider.getByText("Done: Your message was sent.")).toBeVisible();
  const accept = provider.locator("#action-accept");
  await accept.getByLabel("Note (optional)").fill("Come along Monday 9:30, ask for Shona.");
  await choose(accept, "The family (on their tracking page)");
  await expectAccessible(provider);
  await provider.getByRole("button", { name: "Accept" }).click();
  await expect(provider.getByText("Done: Accepted.")).toBeVisible();

  // The family closes the browser and loses the link; "Lost your link?" sends a new one to the email on file.
  await page.context().clearCookies();
  await page.goto("/track/lost");
  await expectAccessible(page);
  await page.getByLabel("Your reference").fill(reference);
  await page.getByRole("button", { name: "Send me a new link" }).click();
  await expect(page.getByText(/If we have a request with that reference, we have sent a new link/)).toBeVisible();
  // An unknown reference gets exactly the same answer.
  await page.getByLabel("Your reference").fill("FR-ZZZZ-ZZZZ");
  await page.getByRole("button", { name: "Send me a new link" }).click();
  await expect(page.getByText(/If we have a request with that reference, we have sent a new link/)).toBeVisible();
  await page.goto("/dev/mail");
  const mail = page.getByRole("article", { name: `Email to ${email}: Your request ${reference}: your private link` }).first();
  await expect(mail).toContainText("replaces the old one");
  const newLink = (await mail.getByRole("link").first().getAttribute("href"))!;
  expect(newLink).not.toBe(firstLink);
  expect((await page.goto(firstLink))?.status()).toBe(404);

  // Following the new link, the family sees what is meant for them: the message and the next step, not the team's note.
  await page.goto(newLink);
  await expect(page.getByRole("heading", { name: "Next step" })).toBeVisible();
  await expect(page.getByText("Come along Monday 9:30, ask for Shona.").first()).toBeVisible();
  await expect(page.getByText("Hello Alex, we will phone you on Monday.")).toBeVisible();
  await expect(page.getByText("Team: Shona has space on Monday.")).toHaveCount(0);
  await expect(page.getByText("The service accepted your request")).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Your message").fill("Thank you, Monday is fine.");
  await page.getByRole("button", { name: "Send message" }).click();
  await expect(page.getByText("Thank you, Monday is fine.")).toBeVisible();
  await expect(provider.getByText("Thank you, Monday is fine.")).toBeVisible();

  // Withdrawing is its own action with its own reason.
  await page.getByLabel("Why you are withdrawing").fill("We found a group nearer home.");
  await page.getByRole("button", { name: "Withdraw my request" }).click();
  await expect(page.getByText("Withdrawn").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Withdraw my request" })).toHaveCount(0);

  // Without the right key there is nothing to see.
  const wrong = await page.goto(newLink.replace(/key=[^&]+/, "key=wrong"));
  expect(wrong?.status()).toBe(404);
  const bare = await page.goto(`/track/${reference}`);
  expect(bare?.status()).toBe(404);
});

// Runs after the journeys above (serial), on the referrals they made.
test("a coordinator sees every referral's state but no child's or family's details", async ({ page }) => {
  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/referrals");
  await expect(page.getByRole("heading", { level: 1, name: "All referrals" })).toBeVisible();
  const table = page.getByTestId("Referrals");
  await expect(table.getByRole("row").filter({ hasText: SERVICE_A }).first()).toBeVisible();
  await expect(table).not.toContainText("Jamie");
  await expect(page.getByRole("term").filter({ hasText: "Median time to first response" })).toBeVisible();
  await expectAccessible(page);
  // Oldest first: the last of these rows is this file's own (an earlier journey may already have opened its own
  // referral's details with a reason, which shows them without asking again).
  await table.getByRole("row").filter({ hasText: SERVICE_A }).last().getByRole("link").click();
  await expect(page.getByRole("heading", { level: 2, name: "Personal details" })).toBeVisible();
  await expect(page.getByText(CHILD)).toHaveCount(0);
  await page.getByLabel("Why you need to see the personal details").fill("Checking a complaint about response times");
  await page.getByRole("button", { name: "Open personal details" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Child" })).toBeVisible();
  await expectAccessible(page);
});

// Issue 16. Last in this file: its referrals would change the inbox counts the journeys above expect.
test("after a decline, the referrer refers elsewhere in two clicks, consent confirmed again, both on one timeline", async ({ browser }) => {
  test.setTimeout(150_000);
  const referrer = await (await browser.newContext()).newPage();
  const provider = await (await browser.newContext()).newPage();
  await signIn(referrer, DEMO.healthVisitor);
  await signIn(provider, DEMO.providerTwo);

  await referrer.goto("/referrals/new");
  await referrer.waitForLoadState("networkidle");
  await referrer.getByLabel("Find a service").fill(SERVICE_B);
  await tickBox(referrer.getByLabel(new RegExp(`^${SERVICE_B.replace("'", ".")}`)));
  await referrer.getByLabel("Child's full name").fill("Rowan Elsewhere");
  await referrer.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 6}-03-10`);
  await referrer.getByLabel("Postcode where the child lives").fill("DD1 1AA");
  await referrer.getByLabel("Parent or carer's name").fill("Morgan Elsewhere");
  await referrer.getByLabel("Relationship to the child").fill("Father");
  await referrer.getByLabel("Phone number").fill("01632 960009");
  await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
  await tickBox(referrer.getByLabel("Nurtured", { exact: true }));
  await referrer.getByLabel("Describe the nurtured need (if ticked)").fill("Dad would like a parenting group.");
  await referrer.getByLabel("What the family would like to happen").fill("A group near home.");
  await referrer.getByLabel("Who gave consent").fill("Morgan Elsewhere (father)");
  await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
  await referrer.getByLabel("How consent was given").selectOption("verbal");
  await tickBox(referrer.getByLabel(/The family agreed to this referral/));
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 1 service" })).toBeVisible();

  // Provider B declines: no capacity.
  await provider.goto("/provider/referrals");
  await provider.getByRole("row").filter({ hasText: "Rowan E." }).first().getByRole("link").click();
  await provider.locator("summary", { hasText: "Decline" }).click();
  await provider.getByLabel("Reason for declining").selectOption("no_capacity");
  await provider.getByRole("button", { name: "Decline" }).click();
  await expect(provider.getByText("Done: Declined.")).toBeVisible();
  const declinedUrl = provider
    .url()
    .split("?")[0]!
    .replace(/^https?:\/\/[^/]+/, "");

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
  await tickBox(referrer.getByLabel(/The family agreed to this referral/));
  // Click two: send.
  await referrer.getByRole("button", { name: "Send referral" }).click();
  await expect(referrer.getByRole("status").filter({ hasText: "Referral sent to 1 service" })).toBeVisible();

  // Both on one timeline: the declined one links to the new one.
  await referrer.goto(declinedUrl);
  await expect(referrer.getByText(/Linked referrals for this child/)).toContainText(SERVICE_A);
});
