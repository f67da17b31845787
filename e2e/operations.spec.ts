// What an operator relies on: every response has a request id, the error page shows it for a person to quote,
// the log lines of that request carry it, a password reset through the app leaves no email or token in the log,
// and a server told to stop finishes cleanly.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { DEMO, expect, test } from "./fixtures";

// Written by scripts/e2e-server.mjs: everything the server logged (JSON lines, LOG_LEVEL=debug).
const LOG_FILE = "./data/e2e-server.log";

function logLines() {
  return readFileSync(LOG_FILE, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test("an error page shows the request id that the response header and the log carry", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  const requestId = response?.headers()["x-request-id"];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(page.getByTestId("request-id")).toContainText(requestId!);
  await expect
    .poll(() =>
      logLines()
        .filter((l) => l.requestId === requestId)
        .map((l) => l.msg),
    )
    .toContain("request");
});

test("a password reset through the app leaves no email address or reset token in the log", async ({ page }) => {
  await page.goto("/forgot-password");
  await page.getByLabel("Email address").fill(DEMO.providerOne.email);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();

  // Follow the link from the local mail viewer, as a person would, so the token also travels in a request path.
  await page.goto("/dev/mail");
  const mail = page.getByRole("article", { name: `Email to ${DEMO.providerOne.email}: Reset your FORT password` }).first();
  const link = await mail.getByRole("link").first().getAttribute("href");
  const token = link!.split("/reset-password/")[1]!;
  expect(token.length).toBeGreaterThan(20);
  await page.goto(link!);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  await expect.poll(() => logLines().some((l) => String(l.path).startsWith("/reset-password/"))).toBe(true);
  const raw = readFileSync(LOG_FILE, "utf8");
  expect(raw).not.toContain(token);
  for (const who of Object.values(DEMO)) expect(raw).not.toContain(who.email);
  // Every line written while handling a request carries an id: the request lines themselves, and any error.
  const requestLines = logLines().filter((l) => l.msg === "request" || l.msg === "request failed");
  expect(requestLines.length).toBeGreaterThan(3);
  for (const line of requestLines) expect(line.requestId, JSON.stringify(line)).toEqual(expect.any(String));
});

test("SIGTERM ends live streams with a reconnect hint, finishes and exits (embedded database)", async ({ browser }) => {
  test.setTimeout(150_000);
  const port = Number(process.env.E2E_PORT ?? 3100) + 3;
  const url = `http://localhost:${port}`;
  rmSync("./data/e2e-shutdown", { recursive: true, force: true });
  const child = spawn(process.execPath, ["server/index.mjs"], {
    env: {
      ...process.env,
      DATABASE_URL: "",
      PGLITE_DATA_DIR: "./data/e2e-shutdown",
      PORT: String(port),
      NODE_ENV: "production",
      FORT_LOCAL: "true",
      SEED_DEMO_DATA: "true",
      FORT_E2E: "1",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    await expect.poll(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status ?? 0, { timeout: 120_000 }).toBe(200);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/sign-in`);
    await page.getByLabel("Email address").fill(DEMO.providerOne.email);
    await page.getByLabel("Password").fill(DEMO.providerOne.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
    const cookie = (await context.cookies(url)).map((c) => `${c.name}=${c.value}`).join("; ");
    const stream = await fetch(`${url}/referrals/events`, { headers: { Cookie: cookie, Accept: "text/event-stream" } });
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = decoder.decode((await reader.read()).value);
    expect(received).toContain(": connected");
    await context.close();

    child.kill("SIGTERM");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    expect(received).toMatch(/retry: \d+\n: server restarting/);
    expect(await exited).toBe(0);
    const messages = output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toEqual(
      expect.arrayContaining(["shutting down: no new connections, finishing requests in flight", "live streams ended with a reconnect hint", "stopped"]),
    );
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
