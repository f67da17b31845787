import { spawn } from "node:child_process";
import { expect, test } from "@playwright/test";

// Starts the built server (made by the web server step) with bad settings and reads what it says.
function startWith(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["server/index.mjs"], {
      env: { ...process.env, PORT: "3199", PGLITE_DATA_DIR: "./data/startup-test", FORT_LOCAL: "true", ...env },
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/^npm warn.*$/gm, "").trim() });
    });
  });
}

test.describe("start-up with bad settings", () => {
  test("an unreachable DATABASE_URL stops start-up with one sentence naming it", async () => {
    const { code, output } = await startWith({ DATABASE_URL: "postgres://nobody@127.0.0.1:1/fort" });
    expect(code).toBe(1);
    expect(output).toMatch(/^FORT cannot start: DATABASE_URL: could not connect to PostgreSQL at 127\.0\.0\.1:1\/fort \(.+\)\.$/);
    expect(output).not.toMatch(/\n\s+at /);
  });

  test("a bad PORT stops start-up with one sentence naming it", async () => {
    const { code, output } = await startWith({ PORT: "eighty" });
    expect(code).toBe(1);
    expect(output).toBe('FORT cannot start: PORT must be a whole number between 1 and 65535 (got "eighty").');
  });
});
