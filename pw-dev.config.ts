import { defineConfig, devices } from "@playwright/test";
export default defineConfig({
  testDir: "/work/wt-i13/e2e", workers: 1, timeout: 60_000, expect: { timeout: 10_000 }, reporter: [["list"]],
  use: { baseURL: "http://localhost:3150", ...devices["Desktop Chrome"], launchOptions: { executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] } },
});
