import type { Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, test } from "./fixtures";

const results = (page: Page) =>
  page
    .getByRole("list", { name: "Services" })
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading") });
const count = async (page: Page) => Number((await page.getByRole("status").textContent())!.match(/(\d+) service/)![1]);
const mapRegion = (page: Page) => page.getByRole("region", { name: /Map of the services found/ });

/** On a narrow screen the filters sit behind a "Filters" disclosure; on a wide one they are always shown. */
async function openFilters(page: Page) {
  const details = page.locator("details.fort-directory__more");
  const summary = details.locator("summary");
  if ((await summary.isVisible()) && !(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await summary.click();
}

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a family finds a service for a 3-year-old that supports 'Nurtured' near DD4 and opens it", async ({ page }) => {
    await page.goto("/");
    await openFilters(page);
    await page.getByLabel("Child's age in years").fill("3");
    await page.getByRole("checkbox", { name: "Nurtured" }).check({ force: true });
    await page.getByLabel("Near").fill("DD4");
    await page.getByRole("button", { name: "Search", exact: true }).click();

    await expect(page).toHaveURL(/age=3/);
    await expect(page).toHaveURL(/need=nurtured/);
    await expect(page).toHaveURL(/near=DD4/);
    await expect(page.getByRole("status")).toContainText(/\d+ services? near DD4/);
    const first = results(page).first();
    await expect(first).toContainText(/\d+\.\d km away/);
    for (const item of await results(page).all()) await expect(item.getByRole("list", { name: /SHANARRI/ })).toContainText("Nurtured");
    const distances = await results(page).locator(".fort-result__distance strong").allTextContents();
    const km = distances.map((d) => parseFloat(d));
    expect([...km].sort((a, b) => a - b)).toEqual(km);
    await expect(page.getByText("Sorted by distance, nearest first.")).toBeVisible();

    const name = (await first.getByRole("heading").textContent())!;
    await first.getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("list", { name: /SHANARRI/ })).toContainText("Nurtured");
  });

  test("every filter works from a plain form, pages keep the filters, and an unknown place says so", async ({ page }) => {
    await page.goto("/?referral=self&accepting=on");
    await expect(page.getByLabel("How you get the support")).toHaveValue("self");
    const total = await count(page);
    await page.goto("/");
    expect(await count(page)).toBeGreaterThan(total);

    await page.goto("/?q=parentng");
    await expect(results(page).first()).toBeVisible();
    await expect(page.getByRole("list", { name: "Services" })).toContainText("Parenting");

    await page.goto("/?sort=name&accepting=on");
    await page.getByRole("navigation", { name: "Pages of results" }).getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/accepting=on/);
    await expect(page).toHaveURL(/page=2/);

    await page.goto("/?near=Atlantis");
    await expect(page.getByRole("alert")).toContainText("We could not find “Atlantis”");
    await expect(page.locator("#near-error")).toContainText("postcode");

    const bad = await page.goto("/?age=three");
    expect(bad?.status()).toBe(400);
    await expect(page.locator("#age-error")).toHaveText("Enter the child's age as a whole number of years, like 3");
    await expect(page.getByLabel("Child's age in years")).toHaveValue("three");
  });

  test("a shared shortlist link renders on the server", async ({ page }) => {
    await page.goto("/?sort=name");
    const hrefs = await results(page)
      .getByRole("link")
      .evaluateAll((links) => links.slice(0, 2).map((a) => a.getAttribute("href")!));
    const ids = hrefs.map((h) => h.split("/").pop());
    await page.goto(`/shortlist?ids=${ids.join(",")}`);
    await expect(page.getByRole("list", { name: "Shortlisted services" }).locator(":scope > li")).toHaveCount(2);
  });
});

test.describe("with JavaScript", () => {
  test("the map shows the results; panning it narrows the list to what is in view", async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto("/");
    await expect(mapRegion(page)).toBeVisible();
    await expect(page.locator(".fort-cluster, .fort-marker").first()).toBeVisible();
    const before = await count(page);

    await mapRegion(page).scrollIntoViewIfNeeded();
    const box = (await mapRegion(page).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 260, box.y + box.height / 2 + 60, { steps: 8 });
    await page.mouse.up();

    await expect(page).toHaveURL(/bbox=/);
    await expect(page.getByText("Showing services in the area on the map.")).toBeVisible();
    await expect.poll(() => count(page)).toBeLessThan(before);

    await page.getByRole("link", { name: "Show services in all areas" }).click();
    await expect.poll(() => count(page)).toBe(before);
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  test("a filtered search near a place, with its map, has no serious accessibility problems", async ({ page }) => {
    await page.goto("/?age=3&need=nurtured&near=DD4");
    await expect(page.locator(".fort-cluster, .fort-marker").first()).toBeVisible();
    await expect(results(page).first()).toContainText(/km away/);
    await expectAccessible(page);
  });

  test("changing a filter updates the list and the map without reloading the page", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator(".fort-cluster, .fort-marker").first()).toBeVisible();
    const before = await count(page);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    await openFilters(page);
    const mapResponse = page.waitForResponse((r) => r.url().includes("/api/map?") && r.url().includes("need=safe"));
    await page.getByRole("checkbox", { name: "Safe" }).check({ force: true });
    await expect(page).toHaveURL(/need=safe/);
    const response = await mapResponse;
    expect(response.status()).toBe(200);
    const view = (await response.json()) as { total: number };
    await expect.poll(() => count(page)).toBeLessThan(before);
    expect(view.total).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  test("a cluster expands on click, and a marker opens a card linking to the service", async ({ page }) => {
    await page.goto("/");
    const clusters = page.locator(".fort-cluster");
    await expect(clusters.first()).toBeVisible();
    const biggest = await clusters.evaluateAll((els) => {
      let best = 0;
      els.forEach((el, i) => {
        if (Number(el.textContent) > Number(els[best]!.textContent)) best = i;
      });
      return best;
    });
    const urlBefore = page.url();
    await clusters.nth(biggest).click();
    await expect(page).not.toHaveURL(urlBefore);
    await expect(page).toHaveURL(/bbox=/);

    // Zoom in until single places show, then open one.
    // Under load a zoom's animation and the new view's markers take a while: retry the step, never a fixed count.
    const marker = page.locator(".fort-marker").first();
    await expect(async () => {
      if (!(await marker.isVisible())) await page.locator(".fort-cluster").first().click();
      await expect(marker).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 40_000 });
    const card = page.locator(".leaflet-popup .fort-map-card");
    // The markers are drawn again when the list for the new view arrives, which can close a card opened just before.
    await expect(async () => {
      await expect(page.locator(".leaflet-zoom-anim")).toHaveCount(0);
      await marker.click();
      await expect(card).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 30_000 });
    const link = card.getByRole("link").first();
    const name = (await link.textContent())!;
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await link.click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    // Followed inside the app, not by reloading the page.
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });

  test("hovering or focusing a service in the list highlights it on the map", async ({ page }) => {
    await page.goto("/");
    await expect(page.locator(".fort-cluster, .fort-marker").first()).toBeVisible();
    await expect(page.locator(".fort-marker--highlighted")).toHaveCount(0);
    await results(page).first().hover();
    await expect(page.locator(".fort-marker--highlighted").first()).toBeVisible();
    await expect(results(page).first()).toHaveClass(/fort-result--highlighted/);
    await page.mouse.move(0, 0);
    await results(page).nth(1).getByRole("link").first().focus();
    await expect(results(page).nth(1)).toHaveClass(/fort-result--highlighted/);
    await expect(page.locator(".fort-marker--highlighted").first()).toBeVisible();
  });

  test("clusters and markers can be reached and opened with the keyboard", async ({ page }) => {
    await page.goto("/");
    const cluster = page.locator(".fort-cluster").first();
    await expect(cluster).toBeVisible();
    await expect(cluster).toHaveAttribute("role", "button");
    await expect(cluster).toHaveAttribute("title", /\d+ services in this area/);
    await cluster.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/bbox=/);

    await page.goto("/?near=DD2+3DY");
    const marker = page.locator(".fort-marker").first();
    await expect(marker).toBeVisible();
    await expect(marker).toHaveAttribute("title", /.+/);
    await marker.focus();
    await page.keyboard.press("Enter");
    await expect(page.locator(".leaflet-popup .fort-map-card").getByRole("link").first()).toBeVisible();
  });

  test("when tiles cannot load the page says so and still works", async ({ page }) => {
    await page.route("https://tiles.fort.test/**", (route) => route.abort());
    await page.goto("/");
    await expect(page.getByText("The map background could not be loaded")).toBeVisible();
    await expect(page.locator(".fort-cluster, .fort-marker").first()).toBeVisible();
    await expect(results(page)).toHaveCount(20);
  });

  test("the shortlist survives a reload, prints cleanly and can be shared", async ({ page, browser }) => {
    await page.goto("/?sort=name");
    const names = await results(page).getByRole("heading").allTextContents();
    await results(page)
      .nth(0)
      .getByRole("button", { name: /Add to shortlist/ })
      .click();
    await results(page)
      .nth(2)
      .getByRole("button", { name: /Add to shortlist/ })
      .click();
    await expect(
      results(page)
        .nth(0)
        .getByRole("button", { name: /On your shortlist/ }),
    ).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("link", { name: "Your shortlist (2)" })).toBeVisible();

    await page.reload();
    await expect(page.getByRole("link", { name: "Your shortlist (2)" })).toBeVisible();
    await page.getByRole("link", { name: "Your shortlist (2)" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Your shortlist" })).toBeVisible();
    const listed = page.getByRole("list", { name: "Shortlisted services" }).locator(":scope > li");
    await expect(listed).toHaveCount(2);
    await expect(listed.nth(0)).toContainText(names[0]!);
    await expect(listed.nth(1)).toContainText(names[2]!);
    await expectAccessible(page);

    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    await page.getByRole("button", { name: "Print this shortlist" }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: "print" });
    await expect(page.getByRole("button", { name: "Print this shortlist" })).toBeHidden();
    await expect(page.locator(".ds_site-header")).toBeHidden();
    await expect(listed.nth(0)).toBeVisible();
    await page.emulateMedia({ media: "screen" });

    const shared = page.url();
    expect(shared).toMatch(/\/shortlist\?ids=[0-9a-f-]+,[0-9a-f-]+$/);
    const other = await browser.newContext({ javaScriptEnabled: false });
    const friend = await other.newPage();
    await friend.goto(shared);
    await expect(friend.getByRole("list", { name: "Shortlisted services" }).locator(":scope > li")).toHaveCount(2);
    await other.close();

    await listed
      .nth(0)
      .getByRole("button", { name: /Remove/ })
      .click();
    await expect(listed).toHaveCount(1);
    await page.reload();
    await expect(page.getByRole("list", { name: "Shortlisted services" }).locator(":scope > li")).toHaveCount(1);
  });
});

test.describe("the service page", () => {
  test("shows opening status, a map of where it is, and how to be referred", async ({ page }) => {
    await page.goto("/?q=Growing+Together");
    await results(page).first().getByRole("link").first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Growing Together Parenting Course" })).toBeVisible();
    const id = page.url().split("/").pop()!;
    await expect(
      page.getByText(/^(Open now, until \d{1,2}:\d\d|Closed now\. Opens (today|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2}:\d\d)$/),
    ).toBeVisible();
    await expect(page.getByRole("link", { name: "Ask this service for help for your family" })).toHaveAttribute("href", `/services/${id}/self-referral`);
    await expect(page.getByRole("link", { name: "Make a referral" })).toHaveCount(0);
    await expect(page.getByRole("region", { name: /Map showing/ })).toBeVisible();
    await page.getByRole("button", { name: /Add to shortlist/ }).click();
    await expect(page.getByRole("link", { name: "Your shortlist (1)" })).toHaveAttribute("href", `/shortlist?ids=${id}`);
    await expect(page.locator('meta[property="og:url"]')).toHaveAttribute("content", new RegExp(`/services/${id}$`));
    await expectAccessible(page);

    await page.goto("/sign-in");
    await page.getByLabel("Email address").fill(DEMO.healthVisitor.email);
    await page.getByLabel("Password").fill(DEMO.healthVisitor.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
    await page.goto(`/services/${id}`);
    await expect(page.getByRole("link", { name: "Make a referral" })).toHaveAttribute("href", `/referrals/new?service=${id}`);
  });

  test("a service that takes only professional referrals has no self-referral button", async ({ page }) => {
    await page.goto("/?q=Carers+in+School+Link");
    await results(page).getByRole("link", { name: "Carers in School Link" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Carers in School Link" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Ask this service for help for your family" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "sign in", exact: true })).toBeVisible();
  });
});

test("the map endpoint answers bad input with 400 and a clear message", async ({ request }) => {
  const bad = await request.get("/api/map?bbox=-2.8,56.4,-3.1,56.6&zoom=30");
  expect(bad.status()).toBe(400);
  const body = await bad.json();
  expect(body.error).toMatch(/map area must be four numbers/);
  expect(body.error).toMatch(/zoom must be a whole number from 0 to 20/);
  const good = await request.get("/api/map?bbox=-3.2,56.4,-2.7,56.6&zoom=11&need=nurtured");
  expect(good.status()).toBe(200);
  const view = await good.json();
  expect(view.total).toBeGreaterThan(0);
});
