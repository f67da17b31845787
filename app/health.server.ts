import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, MIGRATIONS_FOLDER, databaseHandle } from "./db.server";
import { schedulerState } from "./jobs/scheduler.server";
import { isDraining } from "./lifecycle.server";

/** Liveness: the process answers and reaches its database. */
export async function checkHealth() {
  const started = performance.now();
  try {
    const handle = await databaseHandle();
    // Answer within a few seconds even when the database hangs, so a load balancer is not left waiting.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database did not answer within 3 seconds")), 3_000);
    });
    try {
      await Promise.race([handle.db.execute(sql`select 1`), timeout]);
    } finally {
      clearTimeout(timer);
    }
    return { ok: true as const, database: { engine: handle.engine, state: "up" as const, latencyMs: Math.round(performance.now() - started) } };
  } catch {
    return { ok: false as const, database: { state: "unreachable" as const, message: "FORT cannot reach its database; requests get a 503 until it is back." } };
  }
}

let expectedMigrations: number | undefined;
function migrationsInRepository(): number {
  expectedMigrations ??= (JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;
  return expectedMigrations;
}

/** Applied and shipped migration counts; `applied` is 0 when the migrations table does not exist yet. */
export async function migrationState(handle: DatabaseHandle): Promise<{ applied: number; expected: number }> {
  const expected = migrationsInRepository();
  const exists = await handle.db.execute<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  const present = (Array.isArray(exists) ? exists : (exists as { rows: { present: boolean }[] }).rows)[0]?.present;
  if (!present) return { applied: 0, expected };
  const result = await handle.db.execute<{ applied: number }>(sql`select count(*)::int as applied from drizzle.__drizzle_migrations`);
  const rows = Array.isArray(result) ? result : (result as { rows: { applied: number }[] }).rows;
  return { applied: Number(rows[0]?.applied ?? 0), expected };
}

/**
 * Readiness: the database answers, every migration shipped with this build is applied, the job worker is
 * polling, and the server is not shutting down. A load balancer sends requests only to a ready server.
 */
export async function checkReadiness() {
  const accepting = !isDraining();
  const jobs = schedulerState();
  let database: "up" | "unreachable" = "unreachable";
  let migrations: { applied: number; expected: number } | null = null;
  try {
    const handle = await databaseHandle();
    migrations = await migrationState(handle);
    database = "up";
  } catch {
    // unreachable, or the migrations table is missing: not ready either way
  }
  const checks = {
    accepting,
    database,
    migrations: migrations && migrations.applied >= migrations.expected ? ("applied" as const) : ("pending" as const),
    jobWorker: jobs.polling ? ("running" as const) : ("stopped" as const),
  };
  const ready = accepting && database === "up" && checks.migrations === "applied" && checks.jobWorker === "running";
  return { ready, checks };
}
