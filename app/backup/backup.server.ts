// Backups (issue 18). PostgreSQL: pg_dump in its custom format, restored with pg_restore. Embedded PGlite: its whole
// data directory as one tar file (PGlite's dumpDataDir), restored into an empty directory. The encryption key is
// never in a backup: keep DATA_ENCRYPTION_KEY (or ./data/dev-encryption.key) safe separately, or the backup is unreadable.
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase } from "../db.server";

/** pg_dump and pg_restore from PG_BIN, the PATH, or the newest PostgreSQL installed in the usual Debian place. */
export function postgresTool(name: "pg_dump" | "pg_restore" | "psql"): string {
  if (process.env.PG_BIN) return path.join(process.env.PG_BIN, name);
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(path.join(debian, v, "bin", name)))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debian, versions[0], "bin", name);
  }
  return name;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`)),
    );
  });
}

export type Target = { url: string } | { dataDir: string };

export async function backup(target: Target, file: string): Promise<void> {
  if ("url" in target) {
    await run(postgresTool("pg_dump"), ["--format=custom", "--no-owner", "--file", file, target.url]);
    return;
  }
  // PGlite is single-process: stop FORT first, or this waits for its lock and may see a half-written state.
  const handle = await openDatabase({ dataDir: target.dataDir });
  try {
    const blob = await handle.dumpDataDir!();
    await writeFile(file, Buffer.from(await blob.arrayBuffer()));
  } finally {
    await handle.close();
  }
}

export async function restore(target: Target, file: string): Promise<void> {
  if (!existsSync(file)) throw new Error(`no backup file at ${file}`);
  if ("url" in target) {
    const common = ["--no-owner", "--exit-on-error"];
    await run(postgresTool("pg_restore"), [...common, "--clean", "--if-exists", "--section=pre-data", "--section=data", "--dbname", target.url, file]);
    // Indexes last, with the schema on the search path: pg_restore empties it, and earthdistance's ll_to_earth (behind
    // the map's distance index) calls earth() unqualified, so its index cannot be rebuilt that way.
    const postData = `${file}.post-data.sql`;
    await run(postgresTool("pg_restore"), ["--no-owner", "--section=post-data", "--file", postData, file]);
    const script = (await readFile(postData, "utf8")).replaceAll(
      "SELECT pg_catalog.set_config('search_path', '', false);",
      "SELECT pg_catalog.set_config('search_path', 'public', false);",
    );
    await writeFile(postData, script);
    try {
      await run(postgresTool("psql"), ["--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "--dbname", target.url, "--file", postData]);
    } finally {
      await rm(postData, { force: true });
    }
    return;
  }
  if (existsSync(target.dataDir) && readdirSync(target.dataDir).length > 0) {
    throw new Error(`${target.dataDir} is not empty: restore into an empty directory (move the old one aside first)`);
  }
  const handle = await openDatabase({ dataDir: target.dataDir, loadDataDir: new Blob([await readFile(file)]) });
  await handle.close();
}
