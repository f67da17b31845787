// Two app servers on one PostgreSQL database, as behind a load balancer: a referral sent through server A
// appears live in a provider's inbox open on server B (LISTEN/NOTIFY), each scheduled job runs once across
// both (claims with SKIP LOCKED), and SIGTERM ends B's live streams with a reconnect hint and stops it cleanly.
import { type ChildProcess, spawn } from "node:child_process";
import type { Page } from "@playwright/test";
import postgres from "postgres";
import { DEMO, expect, test } from "./fixtures";

const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);
const SERVICE = "Growing Together Parenting Course"; // Tay Family Links (provider.one)
const CHILD = "Robin Twoservers";
const JOBS = ["mail-delivery", "freshness-reminders", "overdue-referrals", "referral-retention", "referral-areas"];

interface Server {
  name: string;
  url: string;
  process: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

function startServer(name: string, port: number, databaseUrl: string): Server {
  const child = spawn(process.execPath, ["server/index.mjs"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      // A local install (mail stays in the outbox): the test reads no mail, but production would need SMTP_URL.
      FORT_LOCAL: "true",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SEED_DEMO_DATA: "true",
      APP_SECRET: "two-servers-share-one-secret-of-32-characters-or-more",
      MAP_TILE_URL: "https://tiles.fort.test/{z}/{x}/{y}.png",
      JOB_POLL_SECONDS: "1",
      LOG_LEVEL: "debug",
      FORT_E2E: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server: Server = { name, url: `http://localhost:${port}`, process: child, lines: [], exited: new Promise((resolve) => child.on("exit", resolve)) };
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const complete = buffer.split("\n");
    buffer = complete.pop() ?? "";
    for (const line of complete) {
      try {
        server.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => process.stderr.write(`[server ${name}] ${chunk}`));
  return server;
}

async function ready(server: Server) {
  await expect
    .poll(async () => (await fetch(`${server.url}/readyz`).catch(() => null))?.status ?? 0, { timeout: 90_000, message: `server ${server.name} ready` })
    .toBe(200);
}

async function signIn(page: Page, baseUrl: string, who: { email: string; password: string }) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out", exact: true })).toBeVisible();
}

async function tick(page: Page, label: string | RegExp, options: { exact?: boolean } = {}) {
  const box = page.getByLabel(label, options);
  await expect(async () => {
    if (!(await box.isChecked())) await page.locator(`label[for="${await box.getAttribute("id")}"]`).click();
    await expect(box).toBeChecked({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

function jobRuns(servers: Server[], since: number) {
  const runs: Record<string, string[]> = {};
  for (const server of servers) {
    for (const line of server.lines) {
      if (line.msg === "job ran" && Number(line.time) >= since) (runs[String(line.job)] ??= []).push(server.name);
    }
  }
  return runs;
}

test.describe("two servers, one database", () => {
  test.skip(!process.env.DATABASE_URL, "needs PostgreSQL (DATABASE_URL): embedded PGlite is one process's database, so two servers cannot share it");
  test.describe.configure({ mode: "serial" });

  let a: Server;
  let b: Server;
  let admin: postgres.Sql;
  let databaseUrl: string;

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    const url = new URL(process.env.DATABASE_URL!);
    const name = `${url.pathname.slice(1) || "postgres"}_two`;
    admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    // Both start at once on an empty database: they take turns to migrate and seed, then serve.
    a = startServer("A", BASE_PORT + 1, databaseUrl);
    b = startServer("B", BASE_PORT + 2, databaseUrl);
    await ready(a);
    await ready(b);
  });

  test.afterAll(async () => {
    for (const server of [a, b]) if (server && server.process.exitCode === null) server.process.kill("SIGKILL");
    await admin?.end();
  });

  test("a referral sent through server A appears live in an inbox open on server B", async ({ browser }) => {
    test.setTimeout(120_000);
    const providerContext = await browser.newContext();
    const provider = await providerContext.newPage();
    await signIn(provider, b.url, DEMO.providerOne);
    await provider.goto(`${b.url}/provider/referrals`);
    await expect(provider.locator("[data-live]")).toHaveAttribute("data-live", "connected");

    const referrer = await (await browser.newContext()).newPage();
    await signIn(referrer, a.url, DEMO.healthVisitor);
    await referrer.goto(`${a.url}/referrals/new`);
    await referrer.waitForLoadState("networkidle");
    await referrer.getByLabel("Find a service").fill(SERVICE);
    await tick(referrer, new RegExp(`^${SERVICE}`));
    await referrer.getByLabel("Child's full name").fill(CHILD);
    await referrer.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 6}-01-15`);
    await referrer.getByLabel("Postcode where the child lives").fill("DD1 1AA");
    await referrer.getByLabel("Parent or carer's name").fill("Sam Twoservers");
    await referrer.getByLabel("Relationship to the child").fill("Mother");
    await referrer.getByLabel("Phone number").fill("01632 960001");
    await referrer.getByLabel("How they would like to be contacted").selectOption("phone");
    await tick(referrer, "Nurtured", { exact: true });
    await referrer.getByLabel("Describe the nurtured need (if ticked)").fill("Would like parenting support.");
    await referrer.getByLabel("What the family would like to happen").fill("A parenting group.");
    await referrer.getByLabel("Who gave consent").fill("Sam Twoservers (mother)");
    await referrer.getByLabel("Date consent was given").fill(new Date().toISOString().slice(0, 10));
    await referrer.getByLabel("How consent was given").selectOption("verbal");
    await tick(referrer, /The family agreed to this referral/);
    await referrer.getByRole("button", { name: "Send referral" }).click();
    await expect(referrer.getByRole("status").filter({ hasText: "Referral sent" })).toBeVisible();

    // No reload on B: the change committed through A reached B through the database.
    await expect(provider.getByRole("row").filter({ hasText: SERVICE })).toContainText("Robin T.");
    // The request that sent it was logged by A, with the id A returned, and not by B.
    const sent = a.lines.find((l) => l.msg === "request" && l.method === "POST" && String(l.path).startsWith("/referrals/new"));
    expect(sent?.requestId).toEqual(expect.any(String));
    expect(b.lines.some((l) => l.requestId === sent?.requestId)).toBe(false);
    await providerContext.close();
  });

  test("each scheduled job runs once across both servers", async () => {
    test.setTimeout(120_000);
    // Make every job due now; both servers poll every second and race for each.
    const since = Date.now();
    const db = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await db`update scheduled_jobs set next_run_at = now()`;
    await expect.poll(() => JOBS.filter((job) => jobRuns([a, b], since)[job]), { timeout: 60_000 }).toEqual(JOBS);
    // Let both servers poll a few more times: nothing runs twice (every interval is a minute or more).
    const polled = await db<{ due: number }[]>`select count(*)::int as due from scheduled_jobs where next_run_at <= now()`;
    expect(polled[0]!.due).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await db.end();
    const runs = jobRuns([a, b], since);
    for (const job of JOBS) expect(runs[job], `${job} ran on ${runs[job]?.join(", ")}`).toHaveLength(1);
  });

  test("SIGTERM ends live streams with a reconnect hint and stops the server cleanly", async ({ browser }) => {
    test.setTimeout(60_000);
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, b.url, DEMO.providerOne);
    const cookie = (await context.cookies(b.url)).map((c) => `${c.name}=${c.value}`).join("; ");
    const stream = await fetch(`${b.url}/referrals/events`, { headers: { Cookie: cookie, Accept: "text/event-stream" } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let received = decoder.decode((await reader.read()).value);
    expect(received).toContain(": connected");

    b.process.kill("SIGTERM");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    expect(received).toMatch(/retry: \d+\n: server restarting/);
    expect(await b.exited).toBe(0);
    expect(b.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["live streams ended with a reconnect hint", "stopped"]));
    // A carries on.
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    await context.close();
  });
});
