// Screenshots of the reports and the gap map as a coordinator sees them on a fresh start with the demo data.
// Usage: start FORT on a fresh database (npm start), then: BASE_URL=http://localhost:3000 node scripts/report-screenshots.mjs
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

const base = process.env.BASE_URL ?? "http://localhost:3000";
const executablePath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
// No map tiles from the internet: the wards are drawn over a blank background.
await page.route(/tile|openstreetmap/, (route) => route.fulfill({ status: 204, body: "" }));
await page.goto(`${base}/sign-in`);
await page.getByLabel("Email address").fill("coordinator@fort.example.org");
await page.getByLabel("Password").fill("demo-coordinator-1");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
await page.goto(`${base}/coordinator/reports`);
await page.screenshot({ path: "docs/screenshots/coordinator-reports.png", fullPage: true });
await page.goto(`${base}/coordinator/gaps`);
await page.locator(".leaflet-interactive").first().waitFor({ timeout: 30_000 });
await page.waitForTimeout(1000);
await page.screenshot({ path: "docs/screenshots/coordinator-gaps.png", fullPage: true });
await browser.close();
console.log("Saved docs/screenshots/coordinator-reports.png and coordinator-gaps.png");
