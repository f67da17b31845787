import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Locator, type Page } from "@playwright/test";

// A 1×1 transparent PNG served for every map tile: tests never reach the internet.
const BLANK_TILE = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

export const test = base.extend({
  page: async ({ page }, use) => {
    await page.route("https://tiles.fort.test/**", (route) => route.fulfill({ status: 200, contentType: "image/png", body: BLANK_TILE }));
    // Every journey runs under the Content-Security-Policy (issue 12): anything it blocks fails the journey.
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await use(page);
    expect(blocked, "blocked by the Content-Security-Policy").toEqual([]);
  },
});

export { expect };

/** Fails on any serious or critical WCAG 2.x A/AA violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  // WCAG 2.5.8's "equivalent" exception: a map marker or cluster icon may sit close to its neighbour at some zooms,
  // and the list beside the map offers every service it shows through controls of full size. Any other small target
  // (anywhere else, or anything else on the map) still fails.
  const isMapMarker = (target: unknown) => String(target).includes("leaflet-marker-icon");
  const violations = results.violations
    .map((v) => (v.id === "target-size" ? { ...v, nodes: v.nodes.filter((n) => !n.target.every(isMapMarker)) } : v))
    .filter((v) => v.nodes.length > 0);
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

export const DEMO = {
  coordinator: { email: "coordinator@fort.example.org", password: "demo-coordinator-1" },
  healthVisitor: { email: "health.visitor@fort.example.org", password: "demo-referrer-1" },
  teacher: { email: "guidance.teacher@fort.example.org", password: "demo-referrer-2" },
  providerOne: { email: "provider.one@fort.example.org", password: "demo-provider-1" },
  providerTwo: { email: "provider.two@fort.example.org", password: "demo-provider-2" },
};

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
}

/**
 * Ticks a checkbox and makes sure it stays ticked. The design system draws its own box over the real one (so the
 * click is forced), and under load a tick can land while the page re-renders (hydration, draft autosave, live updates).
 */
export async function tick(checkbox: Locator) {
  await expect(async () => {
    if (!(await checkbox.isChecked())) await checkbox.click({ force: true });
    await expect(checkbox).toBeChecked({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}
