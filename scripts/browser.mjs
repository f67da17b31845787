// Where the end-to-end tests find Chromium: CHROMIUM_PATH when set (and only there), else Debian's or Ubuntu's
// package, else the browser Playwright downloads. Shared by `npm test` and playwright.config.ts.
import { existsSync } from "node:fs";

export const MISSING_BROWSER =
  "The end-to-end tests need Chromium and none was found: install it with `sudo apt-get install chromium` " +
  "(Debian/Ubuntu) or `npx playwright install chromium` (where downloads work), or run the rest with SKIP_E2E=1.";

const SYSTEM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The system Chromium to launch, or undefined to let Playwright use its own. */
export function systemChromium() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return SYSTEM_PATHS.find((p) => existsSync(p));
}

/** A path to a Chromium that exists, or null. */
export async function findChromium() {
  const system = systemChromium();
  if (process.env.CHROMIUM_PATH) return existsSync(system) ? system : null;
  if (system) return system;
  try {
    const { chromium } = await import("@playwright/test");
    const own = chromium.executablePath();
    return own && existsSync(own) ? own : null;
  } catch {
    return null;
  }
}
