// Start-up: validate settings, open the database, apply migrations, seed demo data on first start.
// Any failure is one plain sentence and exit code 1, never a stack trace.
import { ConfigError, config } from "./config.server";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, DatabaseUnavailableError, databaseHandle, migrateDatabase } from "./db.server";
import { demoLogins, seedDemoData } from "../db/seed";
import { seedDemoReferralHistory } from "../db/seed/demo-referrals";
import { seedReferenceData } from "../db/seed/reference-data";
import { migrationState } from "./health.server";
import { JOBS } from "./jobs/jobs.server";
import { startScheduler, stopScheduler } from "./jobs/scheduler.server";
import { onShutdown, shutdownApp } from "./lifecycle.server";
import { log } from "./log.server";
import { recoverStoppedImports } from "./openreferral/staging.server";
import { startMailWorker, stopMailWorker } from "./mail/mail.server";
import { checkEncryptionKey } from "./privacy/crypto.server";

// A refusal to start is one sentence for the person starting FORT, on stderr, not a structured log line.
function fail(message: string): never {
  process.stderr.write(`\nFORT cannot start: ${message}\n\n`);
  process.exit(1);
}

// The custom server (server/) handles SIGTERM itself: stop accepting, finish requests, then shutdownApp().
const globalForServer = globalThis as unknown as { __fortServerHandlesSignals?: boolean };

const START_UP_LOCK = 1_717_017; // any constant; only FORT's start-up takes it

async function oneServerAtATime<T>(handle: DatabaseHandle, work: () => Promise<T>): Promise<T> {
  if (handle.engine !== "postgres") return work();
  return handle.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${START_UP_LOCK})`);
    return work();
  });
}

export async function boot() {
  let settings;
  try {
    settings = config();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  try {
    // A bad key stops start-up here; a local install without one gets a generated key (with a warning) now.
    checkEncryptionKey();
  } catch (error) {
    fail(`DATA_ENCRYPTION_KEY cannot be used (${error instanceof Error ? error.message : error}).`);
  }

  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    phases[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };

  let handle;
  try {
    handle = await databaseHandle();
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) fail(error.message);
    fail(
      `could not open the embedded database in ${settings.PGLITE_DATA_DIR} (${error instanceof Error ? error.message : error}). Is another FORT process using it?`,
    );
  }

  phase("openDatabaseMs");
  // Several servers starting at once on one PostgreSQL take turns to migrate and seed (an advisory lock held by a
  // transaction on one pooled connection while the migrator uses another); PGlite has one process anyway.
  const { directorySeeded: seeded, referrals: demoReferralsLoaded } = await oneServerAtATime(handle, async () => {
    try {
      // Most starts find every migration applied: one count instead of the migrator's read-and-compare of every file.
      const migrations = await migrationState(handle).catch(() => null);
      if (!migrations || migrations.applied < migrations.expected) await migrateDatabase(handle);
    } catch (error) {
      fail(`could not apply database migrations to ${handle.describe} (${error instanceof Error ? error.message : error}).`);
    }
    phase("migrateMs");
    const directorySeeded = settings.SEED_DEMO_DATA === "true" ? await seedDemoData(handle.db) : (await seedReferenceData(handle.db), false);
    // Only straight after the directory was loaded, so a real database never gets fictional referrals.
    const referrals = directorySeeded && settings.SEED_DEMO_HISTORY === "true" ? await seedDemoReferralHistory(handle.db) : 0;
    return { directorySeeded, referrals };
  });

  phase("seedMs");
  // An import that was being applied when FORT stopped can be imported again. The embedded database has one
  // process, so none is still running; on PostgreSQL another server may be running one, so only stale ones.
  await recoverStoppedImports({ all: handle.engine === "pglite" });
  startMailWorker();
  await startScheduler(JOBS, settings.JOB_POLL_SECONDS);
  phase("workersMs");

  onShutdown("job worker", () => stopScheduler());
  onShutdown("mail worker", () => stopMailWorker());
  // Last: closing PGlite flushes it to disk so the next start finds the data intact.
  onShutdown("database", () => handle.close());

  if (!globalForServer.__fortServerHandlesSignals) {
    // `npm run dev` (Vite's server): no connections to drain here, only the app to stop.
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => void shutdownApp().finally(() => process.exit(0)));
    }
  }

  log.info({ database: handle.describe, url: settings.APP_URL, demoDataLoaded: seeded, demoReferralsLoaded, ...phases }, "FORT started");
  if (settings.SEED_DEMO_DATA === "true") {
    // For a person at a terminal only: the demo sign-ins (fictional) are not log lines, and logs are not terminals.
    if (process.stdout.isTTY) {
      const lines = ["", `Open ${settings.APP_URL}`, "", "Demo sign-ins (fictional people; demo only):"];
      for (const l of demoLogins()) {
        lines.push(`  ${l.role.padEnd(30)} ${l.email.padEnd(36)} password: ${l.password}${l.organisation ? `  (${l.organisation})` : ""}`);
      }
      process.stdout.write(lines.join("\n") + "\n\n");
    } else {
      log.info("demo data is on (SEED_DEMO_DATA): the demo sign-ins are listed in the README");
    }
  }
}
