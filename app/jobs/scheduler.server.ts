// Recurring jobs on a PostgreSQL table, safe with several app servers: a due job is claimed by moving its
// next run forward in one short statement (FOR UPDATE SKIP LOCKED), then run outside any transaction.
import { eq, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { log } from "../log.server";

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
  // postgres.js takes raw parameters as text, so the time goes as ISO text with an explicit cast.
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

// What this process is doing, for readiness and for releasing claims at shutdown.
const worker = { running: false, lastTick: 0, pollSeconds: 30, inFlight: new Map<string, Promise<unknown>>() };

/** Runs every job that is due (on this server, unless another claimed it first). */
export async function runDueJobs(jobs: JobDefinition[]) {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  for (let i = 0; i < jobs.length; i++) {
    const name = await claimDueJob();
    if (!name) return;
    const job = byName.get(name);
    if (!job) continue;
    const started = performance.now();
    const run = runJob(job);
    worker.inFlight.set(name, run);
    try {
      const result = await run;
      log.info({ job: name, result: result || "nothing to do", ms: Math.round(performance.now() - started) }, "job ran");
    } catch (error) {
      log.error({ job: name, err: error }, "job failed");
    } finally {
      worker.inFlight.delete(name);
    }
  }
}

let timers: ReturnType<typeof setTimeout>[] = [];

export async function startScheduler(jobs: JobDefinition[], pollSeconds = 30) {
  await registerJobs(jobs);
  const tick = () => {
    if (!worker.running) return;
    worker.lastTick = Date.now();
    runDueJobs(jobs).catch((error) => log.error({ err: error }, "job scheduler failed"));
  };
  worker.running = true;
  worker.lastTick = Date.now();
  worker.pollSeconds = pollSeconds;
  timers = [setTimeout(tick, Math.min(5, pollSeconds) * 1000), setInterval(tick, pollSeconds * 1000)];
  for (const t of timers) t.unref();
  return { pollSeconds };
}

/** Whether this process's job worker is started and polling (for the readiness check). */
export function schedulerState() {
  return { running: worker.running, polling: worker.running && Date.now() - worker.lastTick < worker.pollSeconds * 3 * 1000 };
}

/**
 * Stops polling, waits up to `waitMs` for jobs running here, and hands back the claims of any still running
 * (their next run becomes now) so another server runs them instead of waiting a whole interval.
 */
export async function stopScheduler(waitMs = 5_000) {
  worker.running = false;
  for (const t of timers) clearTimeout(t);
  timers = [];
  if (worker.inFlight.size === 0) return;
  const all = Promise.allSettled([...worker.inFlight.values()]);
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  const unfinished = [...worker.inFlight.keys()];
  if (unfinished.length === 0) return;
  const db = await getDb();
  const now = clock.now().toISOString();
  for (const name of unfinished) {
    await db.execute(sql`update ${s.scheduledJobs} set next_run_at = ${now}::timestamptz where name = ${name}`);
  }
  log.warn({ jobs: unfinished }, "job claims released at shutdown");
}
