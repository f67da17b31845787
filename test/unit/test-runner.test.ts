// `npm test` on a machine without a browser must stop before anything else runs, with the sentence that says
// how to install one. The browser is hidden by pointing CHROMIUM_PATH at a path that does not exist.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { MISSING_BROWSER } from "../../scripts/browser.mjs";

function npmTest(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["scripts/test.mjs"], {
    env: { ...process.env, FORT_TEST_RUNNER_DRY_RUN: "1", SKIP_E2E: "", ...env },
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("npm test", () => {
  it("stops at once with how to install Chromium when there is no browser", () => {
    const { status, output } = npmTest({ CHROMIUM_PATH: "/nonexistent/chromium" });
    expect(status).toBe(1);
    expect(output).toContain(MISSING_BROWSER);
    expect(MISSING_BROWSER).toContain("sudo apt-get install chromium");
    expect(MISSING_BROWSER).toContain("npx playwright install chromium");
    expect(output).not.toContain("would run");
  });

  it("runs everything but the end-to-end tests with SKIP_E2E=1, and says so", () => {
    const { status, output } = npmTest({ CHROMIUM_PATH: "/nonexistent/chromium", SKIP_E2E: "1" });
    expect(status).toBe(0);
    expect(output).toContain("would run: npm run typecheck");
    expect(output).toContain("would run: npm run test:unit");
    expect(output).not.toContain("test:e2e");
    expect(output).toMatch(/SKIP_E2E is set: the end-to-end tests .* did NOT run/);
  });

  it("runs the end-to-end tests when a browser is there", () => {
    const { status, output } = npmTest({ CHROMIUM_PATH: process.execPath });
    expect(status).toBe(0);
    expect(output).toContain("would run: npm run test:e2e");
    expect(output).not.toContain(MISSING_BROWSER);
  });
});
