// Recurring jobs on a PostgreSQL table, safe with several app servers: a due job is claimed by moving its
// next run forward in one short statement (FOR UPDATE SKIP LOCKED), then run outside any transaction.
import { eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { clock } from "../clock.server";
import { getDb } from "../db.server";

export interface JobDefinition {
  name: string;
  intervalSeconds: number;
  /** Returns a short summary for the log and the jobs table. */
  run(): Promise<string>;
}

export async function registerJobs(jobs: JobDefinition[]) {
  const db = await getDb();
  for (const job of jobs) {
    await db
      .insert(s.scheduledJobs)
      .values({ name: job.name, intervalSeconds: job.intervalSeconds, nextRunAt: clock.now() })
      .onConflictDoUpdate({ target: s.scheduledJobs.name, set: { intervalSeconds: job.intervalSeconds } });
  }
}

async function claimDueJob(): Promise<string | null> {
  const db = await getDb();
  // An ISO string, not a Date: drizzle hands raw-SQL parameters to postgres.js unserialised, which rejects a Date.
  const now = clock.now().toISOString();
  const rows = await db.execute<{ name: string }>(sql`
    update ${s.scheduledJobs} set next_run_at = ${now}::timestamptz + make_interval(secs => interval_seconds), last_run_at = ${now}::timestamptz
    where name = (
      select name from ${s.scheduledJobs} where next_run_at <= ${now}::timestamptz order by next_run_at for update skip locked limit 1
    )
    returning name`);
  const list = Array.isArray(rows) ? rows : (rows as { rows: { name: string }[] }).rows;
  return list[0]?.name ?? null;
}

async function record(name: string, result: string | null, error: string | null) {
  const db = await getDb();
  await db.update(s.scheduledJobs).set({ lastResult: result, lastError: error }).where(eq(s.scheduledJobs.name, name));
}

export async function runJob(job: JobDefinition): Promise<string> {
  try {
    const result = await job.run();
    await record(job.name, result, null);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await record(job.name, null, message);
    throw error;
  }
}

/** Runs every job that is due (on this server, unless another claimed it first). */
export async function runDueJobs(jobs: JobDefinition[]) {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  for (let i = 0; i < jobs.length; i++) {
    const name = await claimDueJob();
    if (!name) return;
    const job = byName.get(name);
    if (!job) continue;
    try {
      const result = await runJob(job);
      if (result) console.log(`[jobs] ${name}: ${result}`);
    } catch (error) {
      console.error(`[jobs] ${name} failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}

export async function startScheduler(jobs: JobDefinition[], pollSeconds = 30) {
  await registerJobs(jobs);
  const tick = () => runDueJobs(jobs).catch((error) => console.error("[jobs] scheduler:", error instanceof Error ? error.message : error));
  setTimeout(tick, 5_000).unref();
  setInterval(tick, pollSeconds * 1000).unref();
}
