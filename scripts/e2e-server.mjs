// Serves a fresh build against a fresh database for the end-to-end tests:
// a throwaway PGlite directory, or (with DATABASE_URL) a database of its own on that server.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import postgres from "postgres";

const env = {
  ...process.env,
  NODE_ENV: "production",
  SEED_DEMO_DATA: "true",
  // The journeys count the referrals they make, so no demo referral history.
  SEED_DEMO_HISTORY: "false",
  // Tiles are never fetched from the internet in tests; the tests intercept this host.
  MAP_TILE_URL: "https://tiles.fort.test/{z}/{x}/{y}.png",
  // Keep dev-only helpers (the mail viewer) available to the tests.
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

const server = spawn("npx", ["remix-serve", "./build/server/index.js"], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
