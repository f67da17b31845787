// Runs one scheduled job once, against the configured database: `npm run job -- freshness-reminders`.
import { ConfigError, config } from "../app/config.server";
import { databaseHandle, migrateDatabase } from "../app/db.server";
import { JOBS } from "../app/jobs/jobs.server";
import { runJob } from "../app/jobs/scheduler.server";

const name = process.argv[2];
const job = JOBS.find((j) => j.name === name);
if (!job) {
  console.error(`Name a job to run: ${JOBS.map((j) => j.name).join(", ")}`);
  process.exit(2);
}
try {
  config();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Cannot run ${name}: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
const handle = await databaseHandle();
await migrateDatabase(handle);
const result = await runJob(job);
console.log(`${name}: ${result || "nothing to do"}`);
await handle.close();
