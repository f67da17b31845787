// Serves a fresh build against a fresh database for the end-to-end tests:
// a throwaway PGlite directory, or (with DATABASE_URL) a database of its own on that server.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createServer } from "node:http";
import postgres from "postgres";

// A stand-in for GOV.UK Notify on this machine (issue 16): FORT's text messages go through Notify's own client to it,
// and it appends each request (path, whether a bearer token came, JSON body) as a line to this file, which the tests
// read (e2e/families.spec.ts). Emails stay in the outbox and /dev/mail (no NOTIFY_EMAIL_TEMPLATE_ID).
const E2E_NOTIFY_LOG = "./data/e2e-notify.jsonl";
mkdirSync("./data", { recursive: true });
writeFileSync(E2E_NOTIFY_LOG, "");
const notify = createServer((req, res) => {
  let raw = "";
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    let body = null;
    try {
      body = JSON.parse(raw);
    } catch {
      // Recorded as null: a test that expects a body then fails on it.
    }
    const bearer = /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(String(req.headers.authorization ?? ""));
    appendFileSync(E2E_NOTIFY_LOG, JSON.stringify({ method: req.method, path: req.url, bearer, body }) + "\n");
    res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ id: crypto.randomUUID(), content: {}, template: {} }));
  });
});
await new Promise((resolve) => notify.listen(0, "127.0.0.1", resolve));

const env = {
  ...process.env,
  NODE_ENV: "production",
  SEED_DEMO_DATA: "true",
  // The journeys count the referrals they make, so no demo referral history.
  SEED_DEMO_HISTORY: "false",
  // Tiles are never fetched from the internet in tests; the tests intercept this host.
  MAP_TILE_URL: "https://tiles.fort.test/{z}/{x}/{y}.png",
  // A local install despite NODE_ENV=production: mail stays in the outbox and /dev/mail (loopback clients only).
  FORT_LOCAL: "true",
  FORT_E2E: "1",
  // Texts go through Notify's client to the recorder above (a made-up key of the right shape).
  NOTIFY_API_KEY: "fort_e2e-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
  NOTIFY_SMS_TEMPLATE_ID: "f33517ff-2a88-4f6e-b855-c550268ce08a",
  NOTIFY_BASE_URL: `http://127.0.0.1:${notify.address().port}`,
};

if (process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  const name = `${url.pathname.slice(1) || "postgres"}_e2e`;
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
} else {
  env.PGLITE_DATA_DIR = "./data/e2e";
  rmSync("./data/e2e", { recursive: true, force: true });
}

const build = spawnSync("npx", ["remix", "vite:build"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

// The server's log is also kept in a file, so tests can read what it wrote (e2e/logs.spec.ts).
const E2E_LOG = "./data/e2e-server.log";
const REPORTS = "./data/e2e-reports";
const logFile = createWriteStream(E2E_LOG);
const port = Number(process.env.PORT ?? 3000);
let server;
let replacing = false;

function start() {
  // --report-on-signal: on SIGUSR2 Node writes what its main thread is doing (JavaScript stack, handles) to REPORTS.
  server = spawn(process.execPath, ["--report-on-signal", "--report-signal=SIGUSR2", `--report-directory=${REPORTS}`, "server/index.mjs"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...env, LOG_LEVEL: "debug" },
  });
  server.stdout.on("data", (chunk) => {
    logFile.write(chunk);
    process.stdout.write(chunk);
  });
  server.on("exit", (code) => {
    if (!replacing) process.exit(code ?? 0);
  });
}
start();
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));

// A watchdog, as a process manager would keep: a server that has answered /healthz before and then gives no healthy
// answer for 45 s is stuck. The run says so on stderr (it reaches the test output) with the stack the server was
// running, and the server is replaced (twice at most), so one stuck moment fails the journeys in flight instead of
// every journey after it.
const STUCK_MS = 45_000;
let lastHealthy = 0;
let replaced = 0;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function watch() {
  for (;;) {
    await sleep(5_000);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(15_000) });
      if (response.ok) lastHealthy = Date.now();
    } catch {
      // counted below
    }
    if (lastHealthy === 0 || Date.now() - lastHealthy < STUCK_MS || replacing) continue;
    console.error(`[e2e-server] the server has not answered /healthz for ${STUCK_MS / 1000} s: what it was running:`);
    const before = new Set(existsSync(REPORTS) ? readdirSync(REPORTS) : []);
    server.kill("SIGUSR2");
    await sleep(5_000);
    const report = (existsSync(REPORTS) ? readdirSync(REPORTS) : []).find((f) => !before.has(f));
    if (report) {
      const { javascriptStack } = JSON.parse(readFileSync(path.join(REPORTS, report), "utf8"));
      console.error(`[e2e-server] ${javascriptStack?.message ?? ""}\n${(javascriptStack?.stack ?? []).slice(0, 40).join("\n")}`);
    } else console.error("[e2e-server] no report: the main thread did not answer the signal either");
    if (replaced >= 2) continue;
    replaced++;
    replacing = true;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGKILL");
    await exited;
    console.error(`[e2e-server] replacing the stuck server (${replaced} of 2)`);
    start();
    replacing = false;
    lastHealthy = Date.now();
  }
}
void watch();
