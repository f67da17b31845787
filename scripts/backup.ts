// `npm run backup [-- file]` and `npm run restore -- file`, for whichever database FORT is configured with
// (DATABASE_URL, or the embedded PGlite in PGLITE_DATA_DIR). See README "Backups".
import path from "node:path";
import { mkdirSync } from "node:fs";
import { ConfigError, config } from "../app/config.server";
import { backup, restore, type Target } from "../app/backup/backup.server";

const [command, fileArg] = process.argv.slice(2);
try {
  const settings = config();
  const target: Target = settings.DATABASE_URL ? { url: settings.DATABASE_URL } : { dataDir: settings.PGLITE_DATA_DIR };
  if (command === "backup") {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const file = fileArg ?? path.join("backups", `fort-${stamp}.${"url" in target ? "dump" : "tar"}`);
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    await backup(target, file);
    process.stdout.write(
      `Backup written to ${file}. It does not hold the encryption key: keep DATA_ENCRYPTION_KEY (or data/dev-encryption.key) safe separately.\n`,
    );
  } else if (command === "restore" && fileArg) {
    await restore(target, fileArg);
    process.stdout.write(
      `Restored ${fileArg} into ${"url" in target ? "the database in DATABASE_URL" : settings.PGLITE_DATA_DIR}. Start FORT with the same DATA_ENCRYPTION_KEY as when it was taken.\n`,
    );
  } else {
    process.stderr.write("Usage: npm run backup [-- file]   or   npm run restore -- file\n");
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? "Settings: " : ""}${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
