// Serves a fresh build against a fresh database for the end-to-end tests:
// a throwaway PGlite directory, or (with DATABASE_URL) a database of its own on that server.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import postgres from "postgres";

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
mkdirSync("./data", { recursive: true });
const logFile = createWriteStream(E2E_LOG);
const server = spawn(process.execPath, ["server/index.mjs"], { stdio: ["ignore", "pipe", "inherit"], env: { ...env, LOG_LEVEL: "debug" } });
server.stdout.on("data", (chunk) => {
  logFile.write(chunk);
  process.stdout.write(chunk);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
