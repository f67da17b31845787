// `npm start`: build only when the sources changed since the last build (or there is none), then serve.
// `npm run build` (this with --build): always build, and stamp the build so the next `npm start` serves it.
// The stamp is a hash of every source file's path, size and modification time: cheap, and any edit changes it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const SOURCES = ["app", "db", "public", "package.json", "package-lock.json", "vite.config.ts", "tsconfig.json"];
const STAMP = "build/.source-stamp";

function* files(entry) {
  if (!existsSync(entry)) return;
  const stat = statSync(entry);
  if (stat.isDirectory()) {
    for (const name of readdirSync(entry).sort()) yield* files(path.join(entry, name));
  } else {
    yield `${entry}\t${stat.size}\t${Math.floor(stat.mtimeMs)}`;
  }
}

export function sourceStamp() {
  const hash = createHash("sha256");
  for (const source of SOURCES) for (const line of files(source)) hash.update(`${line}\n`);
  return hash.digest("hex");
}

const buildOnly = process.argv.includes("--build");
const stamp = sourceStamp();
const built = existsSync("build/server/index.js") && existsSync(STAMP) && readFileSync(STAMP, "utf8").trim() === stamp;
if (built && !buildOnly) {
  console.log("FORT: sources unchanged since the last build; serving it.");
} else {
  if (!buildOnly) console.log("FORT: building (the sources changed, or there is no build yet)…");
  const build = spawnSync("npx", ["remix", "vite:build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(STAMP, `${stamp}\n`);
}
if (buildOnly) process.exit(0);

// `npm start` is the local, first-run command: a production-mode build on this machine, not a production
// deployment (production is `npm run serve` with its settings; see README). A non-local APP_URL still counts as
// production whatever this says.
process.env.FORT_LOCAL ??= "true";

// Serve from this same process, so signals sent to it reach the server's graceful shutdown.
await import("../server/index.mjs");
