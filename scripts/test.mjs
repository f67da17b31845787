// `npm test`: lint, type check, unit and integration tests, end-to-end tests. The browser is looked for first, so a
// machine without one stops at once with the sentence that says how to install it, not after minutes of tests.
// SKIP_E2E=1 runs everything else and says loudly that the end-to-end tests did not run.
import { spawnSync } from "node:child_process";
import { findChromium, MISSING_BROWSER } from "./browser.mjs";

const skipE2e = process.env.SKIP_E2E === "1" || process.env.SKIP_E2E === "true";

if (!skipE2e && !(await findChromium())) {
  console.error(`\n${MISSING_BROWSER}\n`);
  process.exit(1);
}

function run(script) {
  // The test of this script checks the order of steps without running them (it would otherwise run itself).
  if (process.env.FORT_TEST_RUNNER_DRY_RUN === "1") return void console.log(`would run: npm run ${script}`);
  const result = spawnSync("npm", ["run", "--silent", script], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run("lint");
run("typecheck");
run("test:unit");
if (skipE2e) {
  const bar = "!".repeat(78);
  console.warn(`\n${bar}\n!! SKIP_E2E is set: the end-to-end tests (Playwright, Chromium) did NOT run.\n!! This is not a full test run.\n${bar}\n`);
} else {
  run("test:e2e");
}
