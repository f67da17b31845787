// Start-up: validate settings, open the database, apply migrations, seed demo data on first start.
// Any failure is one plain sentence and exit code 1, never a stack trace.
import { ConfigError, config } from "./config.server";
import { DatabaseUnavailableError, databaseHandle, migrateDatabase } from "./db.server";
import { demoLogins, seedDemoData } from "../db/seed";
import { seedDemoReferralHistory } from "../db/seed/demo-referrals";
import { seedReferenceData } from "../db/seed/reference-data";
import { JOBS } from "./jobs/jobs.server";
import { startScheduler } from "./jobs/scheduler.server";
import { startMailWorker } from "./mail/mail.server";

function fail(message: string): never {
  console.error(`\nFORT cannot start: ${message}\n`);
  process.exit(1);
}

export async function boot() {
  let settings;
  try {
    settings = config();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let handle;
  try {
    handle = await databaseHandle();
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) fail(error.message);
    fail(`could not open the embedded database in ${settings.PGLITE_DATA_DIR} (${error instanceof Error ? error.message : error}). Is another FORT process using it?`);
  }

  try {
    await migrateDatabase(handle);
  } catch (error) {
    fail(`could not apply database migrations to ${handle.describe} (${error instanceof Error ? error.message : error}).`);
  }

  const seeded = settings.SEED_DEMO_DATA === "true" ? await seedDemoData(handle.db) : (await seedReferenceData(handle.db), false);
  // Only straight after the directory was loaded, so a real database never gets fictional referrals.
  const history = seeded && settings.SEED_DEMO_HISTORY === "true" ? await seedDemoReferralHistory(handle.db) : 0;

  startMailWorker();
  await startScheduler(JOBS);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      // Closing PGlite flushes it to disk so the next start finds the data intact.
      handle.close().finally(() => process.exit(0));
    });
  }

  const lines = [
    "",
    `FORT is using ${handle.describe}${seeded ? ` (demo data loaded just now${history ? `, with ${history} fictional referrals` : ""})` : ""}.`,
    `Open ${settings.APP_URL}`,
  ];
  if (settings.SEED_DEMO_DATA === "true") {
    lines.push("", "Demo sign-ins (fictional people; demo only):");
    for (const l of demoLogins()) {
      lines.push(`  ${l.role.padEnd(30)} ${l.email.padEnd(36)} password: ${l.password}${l.organisation ? `  (${l.organisation})` : ""}`);
    }
  }
  if (settings.sessionSecretGenerated) lines.push("", "SESSION_SECRET is not set: using a random one for this run. Set it in production.");
  console.log(lines.join("\n") + "\n");
}
