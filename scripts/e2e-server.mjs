// Serves a fresh build against a fresh database for the end-to-end tests:
// a throwaway PGlite directory, or (with DATABASE_URL) a database of its own on that server.
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
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
const logFile = createWriteStream(E2E_LOG);
const server = spawn(process.execPath, ["server/index.mjs"], { stdio: ["ignore", "pipe", "inherit"], env: { ...env, LOG_LEVEL: "debug" } });
server.stdout.on("data", (chunk) => {
  logFile.write(chunk);
  process.stdout.write(chunk);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
