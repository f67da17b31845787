// Runs one scheduled job once, against the configured database: `npm run job -- freshness-reminders`.
import { ConfigError, config } from "../app/config.server";
import { databaseHandle, migrateDatabase } from "../app/db.server";
import { JOBS } from "../app/jobs/jobs.server";
import { runJob } from "../app/jobs/scheduler.server";
import { log } from "../app/log.server";

const name = process.argv[2];
if (name === "new-encryption-key") {
  // For DATA_ENCRYPTION_KEY (issue 18). Nothing else happens: no settings, no database.
  const { randomBytes } = await import("node:crypto");
  process.stdout.write(`${randomBytes(32).toString("base64")}\n`);
  process.exit(0);
}
const job = JOBS.find((j) => j.name === name);
if (!job) {
  log.error(`Name a job to run: ${JOBS.map((j) => j.name).join(", ")}`);
  process.exit(2);
}
try {
  config();
} catch (error) {
  if (error instanceof ConfigError) {
    log.error(`Cannot run ${name}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
const handle = await databaseHandle();
await migrateDatabase(handle);
const result = await runJob(job);
log.info(`${name}: ${result || "nothing to do"}`);
await handle.close();
