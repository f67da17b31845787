import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";

test("a coordinator invites a provider, who edits a service that the public sees once approved", async ({ browser, page }) => {
  test.setTimeout(120_000);
  const email = `nell.${Date.now()}@example.org`;
  const newSummary = `Fresh summary ${Date.now()} for families.`;

  // The coordinator sends the invitation.
  await signIn(page, DEMO.coordinator);
  await page.goto("/coordinator/users/invite");
  await expectAccessible(page);
  await page.getByLabel("Full name").fill("Nell Worker");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("What will they do on FORT?").selectOption("provider");
  await page.getByLabel("Organisation (providers)").selectOption({ label: "Tay Family Links" });
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();

  // The provider follows the emailed link and chooses a password.
  const provider = await (await browser.newContext()).newPage();
  await provider.goto("/dev/mail");
  await provider
    .getByRole("article", { name: `Email to ${email}: You have been invited to FORT` })
    .getByRole("link")
    .click();
  await expect(provider.getByRole("heading", { name: "Set up your FORT account" })).toBeVisible();
  await expectAccessible(provider);
  await provider.getByLabel("Choose a password").fill("short");
  await provider.getByLabel("Type the password again").fill("different");
  await provider.getByRole("button", { name: "Create my account" }).click();
  await expect(provider.getByText("Password must be at least 12 characters long").first()).toBeVisible();
  await provider.getByLabel("Choose a password").fill("correct horse battery");
  await provider.getByLabel("Type the password again").fill("correct horse battery");
  await provider.getByRole("button", { name: "Create my account" }).click();
  await expect(provider.getByRole("heading", { name: "Hello, Nell Worker" })).toBeVisible();

  // The provider proposes a change to one of the organisation's services.
  await provider.goto("/provider/services");
  const serviceLink = provider.getByRole("table").getByRole("link").first();
  const serviceName = (await serviceLink.textContent())!;
  await serviceLink.click();
  await expectAccessible(provider);
  await provider.getByLabel("Summary").fill(newSummary);
  await provider.getByRole("button", { name: "Send changes for approval" }).click();
  await expect(provider.getByText("A FORT coordinator will check your changes")).toBeVisible();
  const serviceUrl = `/services/${provider.url().split("/").pop()}`;

  // The public does not see it yet.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(serviceUrl);
  await expect(visitor.getByRole("heading", { level: 1, name: serviceName })).toBeVisible();
  await expect(visitor.getByText(newSummary)).toHaveCount(0);

  // The coordinator approves it; now the public sees it.
  await page.goto("/coordinator/approvals");
  await expectAccessible(page);
  await page.getByRole("link", { name: serviceName }).click();
  await expect(page.locator("#changed-fields").getByRole("row", { name: /Summary/ })).toContainText(newSummary);
  await page.getByRole("button", { name: "Approve and publish" }).click();
  await expect(page).toHaveURL(/\/coordinator\/approvals$/);
  await visitor.reload();
  await expect(visitor.getByText(newSummary)).toBeVisible();

  // Deactivated: signed out on the very next request.
  await page.goto("/coordinator/users");
  await page.getByRole("button", { name: "Deactivate Nell Worker" }).click();
  await expect(page.getByText("Nell Worker has been deactivated and signed out everywhere.")).toBeVisible();
  await provider.goto("/provider/services");
  await expect(provider).toHaveURL(/\/sign-in\?redirectTo=/);
});

test("sign-in errors are shown beside the fields and the email is kept", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(DEMO.teacher.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("The email address or password is not right.");
  await expect(page.getByLabel("Email address")).toHaveValue(DEMO.teacher.email);
  await expectAccessible(page);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("sign-in validates on the server and keeps what was typed", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email address").fill("not-an-email");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Enter an email address in the right format").first()).toBeVisible();
    await expect(page.getByLabel("Email address")).toHaveValue("not-an-email");
  });
});

test("a provider cannot open another organisation's service by changing the id", async ({ page, browser }) => {
  const other = await (await browser.newContext()).newPage();
  await signIn(other, DEMO.providerTwo);
  await other.goto("/provider/services");
  const own = await other.getByRole("table").getByRole("link").first().getAttribute("href");
  await signIn(page, DEMO.providerOne);
  const response = await page.goto(own!);
  expect(response?.status()).toBe(404);
});
