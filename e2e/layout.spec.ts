// Layout holds at every width: geometry measured in the browser (not pixel snapshots) on the pages people use most.
// At each width: no horizontal scroll, no two interactive controls on top of each other, no control whose text is
// cut off, and text inputs wide enough for what people type into them.
import type { Page } from "@playwright/test";
import { DEMO, expect, expectAccessible, signIn, test } from "./fixtures";

const WIDTHS = [360, 768, 1280, 1920];

interface LayoutProblems {
  horizontalScroll: string | null;
  overlaps: string[];
  clipped: string[];
  narrowInputs: string[];
}

/** Runs in the page: every visible control outside the map, checked pairwise and one by one. */
function measureLayout(): LayoutProblems {
  const describe = (el: Element) => {
    const h = el as HTMLElement;
    const text = (h.getAttribute("aria-label") ?? h.innerText ?? (h as HTMLInputElement).value ?? "").trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.getAttribute("name") ? `[name=${el.getAttribute("name")}]` : ""} “${text}”`;
  };
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") return false;
    // Design-system checkboxes and radios are drawn by their label; the real input is transparent on top of it.
    if (style.opacity === "0" && !(el as HTMLInputElement).matches(".ds_checkbox__input, .ds_radio__input")) return false;
    return el.checkVisibility ? el.checkVisibility() : true;
  };
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex='-1'])";
  const controls = Array.from(document.querySelectorAll(selector)).filter(
    (el) => !el.closest(".leaflet-container") && !el.closest(".ds_skip-links") && visible(el),
  );

  const root = document.documentElement;
  const horizontalScroll = root.scrollWidth > root.clientWidth + 1 ? `page is ${root.scrollWidth}px wide in a ${root.clientWidth}px window` : null;

  const overlaps: string[] = [];
  // Line by line: a link that wraps has one box per line, and its bounding box would cover its neighbours' lines.
  const boxes = controls.map((el) => Array.from(el.getClientRects()).filter((r) => r.width >= 1 && r.height >= 1));
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i]!;
      const b = controls[j]!;
      if (a.contains(b) || b.contains(a)) continue;
      for (const ra of boxes[i]!) {
        for (const rb of boxes[j]!) {
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
          if (w > 2 && h > 2) overlaps.push(`${describe(a)} overlaps ${describe(b)} by ${Math.round(w)}×${Math.round(h)}px`);
        }
      }
    }
  }

  const canvas = document.createElement("canvas").getContext("2d")!;
  const textWidth = (el: Element, text: string) => {
    const s = getComputedStyle(el);
    canvas.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    return canvas.measureText(text).width;
  };
  const padding = (el: Element) => {
    const s = getComputedStyle(el);
    return parseFloat(s.paddingLeft) + parseFloat(s.paddingRight);
  };

  const clipped: string[] = [];
  for (const el of controls) {
    const h = el as HTMLElement;
    if (el instanceof HTMLSelectElement) {
      const option = el.selectedOptions[0];
      if (option && textWidth(el, option.text) + padding(el) > el.clientWidth + 1) clipped.push(`${describe(el)} shows “${option.text}” cut off`);
    } else if (el.matches("button, summary, a.ds_button, [role=button]") && h.scrollWidth > h.clientWidth + 1) {
      clipped.push(`${describe(el)}: text ${h.scrollWidth}px in ${h.clientWidth}px`);
    }
  }
  // Labels and legends: a word wider than its box is cut off or spills over a neighbour.
  for (const el of Array.from(document.querySelectorAll("label, legend")).filter(visible)) {
    const h = el as HTMLElement;
    if (el.closest(".leaflet-container")) continue;
    if (h.scrollWidth > h.clientWidth + 1) clipped.push(`${describe(el)}: label ${h.scrollWidth}px in ${h.clientWidth}px`);
  }

  const narrowInputs: string[] = [];
  for (const el of controls) {
    if (!(el instanceof HTMLInputElement) || !["text", "search", "email", "tel", "password", "url", "number", "date"].includes(el.type)) continue;
    const fixed = /ds_input--fixed-(\d+)/.exec(el.className);
    // What people type: a fixed-width field's stated size, a date in full, a search a couple of words, else a name.
    const expected = fixed ? "0".repeat(Number(fixed[1])) : el.type === "date" ? "27/03/2020" : el.type === "search" ? "parenting support" : "Hilltown Parents";
    const needed = textWidth(el, expected) + padding(el);
    if (el.clientWidth + 1 < needed) narrowInputs.push(`${describe(el)} is ${el.clientWidth}px wide, “${expected}” needs ${Math.ceil(needed)}px`);
  }
  return { horizontalScroll, overlaps, clipped, narrowInputs };
}

async function expectLayoutHolds(page: Page) {
  const problems = await page.evaluate(measureLayout);
  expect(problems).toEqual({ horizontalScroll: null, overlaps: [], clipped: [], narrowInputs: [] });
}

/** Opens every "More filters" and similar disclosure, so the controls inside are measured too. */
async function openDisclosures(page: Page) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
}

for (const width of WIDTHS) {
  test.describe(`layout at ${width}px`, () => {
    test.use({ viewport: { width, height: 900 } });

    test("the directory, with its filters open, and a service page", async ({ page }) => {
      await page.goto("/?q=parenting");
      await expect(page.getByRole("list", { name: "Services" })).toBeVisible();
      await openDisclosures(page);
      await expectLayoutHolds(page);
      await page.goto("/?view=map");
      await openDisclosures(page);
      await expectLayoutHolds(page);
      await page.goto("/");
      await page.getByRole("list", { name: "Services" }).getByRole("link").first().click();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await openDisclosures(page);
      await expectLayoutHolds(page);
    });

    test("the referral form", async ({ page }) => {
      await signIn(page, DEMO.healthVisitor);
      await page.goto("/referrals/new");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await openDisclosures(page);
      await expectLayoutHolds(page);
    });

    test("the provider inbox", async ({ page }) => {
      await signIn(page, DEMO.providerOne);
      await page.goto("/provider/referrals");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await openDisclosures(page);
      await expectLayoutHolds(page);
    });

    test("the reports", async ({ page }) => {
      await signIn(page, DEMO.coordinator);
      await page.goto("/coordinator/reports");
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await openDisclosures(page);
      await expectLayoutHolds(page);
    });
  });
}

test.describe("a phone", () => {
  test.use({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true });

  test("a search shows results on the first screen and the map is one tap away", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("What are you looking for?").fill("young carers");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/q=young\+carers/);
    const first = page.getByRole("list", { name: "Services" }).getByRole("heading").first();
    await expect(first).toBeInViewport();
    await page.getByRole("navigation", { name: "Show services as" }).getByRole("link", { name: "Map" }).tap();
    await expect(page).toHaveURL(/view=map/);
    await expect(page.locator(".leaflet-container")).toBeVisible();
    await expect(page.getByRole("list", { name: "Services" })).toBeHidden();
  });

  test("without JavaScript the list comes first and the switch is a link", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 640 } });
    const page = await context.newPage();
    await page.goto("/?q=young+carers");
    await expect(page.getByRole("list", { name: "Services" })).toBeVisible();
    await page.getByRole("navigation", { name: "Show services as" }).getByRole("link", { name: "Map" }).click();
    await expect(page).toHaveURL(/q=young\+carers.*view=map|view=map.*q=young\+carers/);
    await expect(page.getByText("The map needs JavaScript")).toBeVisible();
    await context.close();
  });
});

// Issue 16: the public pages in Arabic (right to left) and Polish (longer words) hold at the narrowest and widest
// widths, and stay accessible.
const SELF_REFERRAL_SERVICE = "Growing Together Parenting Course"; // takes families' own requests
for (const lang of ["ar", "pl"] as const) {
  for (const width of [360, 1920]) {
    test.describe(`layout in ${lang === "ar" ? "Arabic" : "Polish"} at ${width}px`, () => {
      test.use({ viewport: { width, height: 900 } });

      test("the directory with its filters open, a service page and the self-referral form", async ({ page }) => {
        const dir = lang === "ar" ? "rtl" : "ltr";
        await page.goto(`/?q=${encodeURIComponent(SELF_REFERRAL_SERVICE)}&lang=${lang}`);
        await expect(page.locator("html")).toHaveAttribute("lang", lang);
        await expect(page.locator("html")).toHaveAttribute("dir", dir);
        // The list is in the page's language (its heading, and the status line's count).
        await expect(page.getByRole("heading", { level: 1 })).toHaveText(lang === "ar" ? "ابحث عن دعم للأسرة" : "Znajdź wsparcie dla rodziny");
        await openDisclosures(page);
        await expectLayoutHolds(page);
        await expectAccessible(page);

        await page.getByRole("link", { name: SELF_REFERRAL_SERVICE, exact: true }).first().click();
        await expect(page.getByRole("heading", { level: 1, name: SELF_REFERRAL_SERVICE })).toBeVisible();
        await expect(page.locator("html")).toHaveAttribute("dir", dir);
        await openDisclosures(page);
        await expectLayoutHolds(page);
        await expectAccessible(page);

        await page.goto(`${new URL(page.url()).pathname}/self-referral`);
        await expect(page.locator("html")).toHaveAttribute("dir", dir);
        await expect(page.getByRole("button", { name: lang === "ar" ? "أرسل الطلب" : "Wyślij prośbę" })).toBeVisible();
        await expectLayoutHolds(page);
        await expectAccessible(page);
      });
    });
  }
}
