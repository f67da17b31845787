// Referral sends per second with 16 in flight on PostgreSQL, steady and through a database outage (issue 11).
//   npx tsx bench/send.ts [steadySeconds=10] [outageSeconds=12]
// Starts a PostgreSQL server of its own (initdb + pg_ctl from PG_BIN, default /usr/lib/postgresql/15/bin; its own
// data directory and port, never the shared server), migrates and seeds it, then calls the send form's action in
// process (form parsing, checks, the transaction, history and outbox mail) with 16 sends always in flight.
// Phase 1: steady. Phase 2: the server is crashed (pg_ctl stop -m immediate) 2 s in and started again 2 s later.
// Prints a Markdown table for docs/performance.md.
import { performance } from "node:perf_hooks";
import { startThrowawayPostgres } from "../test/support/throwaway-postgres";

const STEADY_SECONDS = Number(process.argv[2] ?? 10);
const OUTAGE_SECONDS = Number(process.argv[3] ?? 12);
const IN_FLIGHT = 16;

const server = startThrowawayPostgres();
process.env.DATABASE_URL = server.url;
process.env.SEED_DEMO_DATA = "true";
process.env.NODE_ENV = "test";

const { databaseHandle, migrateDatabase, isDatabaseUnavailable } = await import("../app/db.server");
const { seedDemoData } = await import("../db/seed");
const { action } = await import("../app/routes/referrals.new");
const { DEMO, signedIn } = await import("../test/helpers");
const { SERVICE_A, serviceId, validInput } = await import("../test/integration/referrals-helpers");

const handle = await databaseHandle();
await migrateDatabase(handle);
await seedDemoData(handle.db);
const { cookie } = await signedIn(DEMO.healthVisitor);
const service = await serviceId(SERVICE_A);

let counter = 0;
function formBody() {
  const values = new URLSearchParams({ intent: "send", idempotencyKey: crypto.randomUUID() });
  for (const [k, v] of Object.entries(validInput([service], { childName: `Bench Child ${++counter}` }))) {
    for (const one of ([] as unknown[]).concat(v)) values.append(k, one === true ? "on" : String(one));
  }
  return values;
}

type Result = { ok: boolean; ms: number; at: number };

async function sendOnce(): Promise<Result> {
  const started = performance.now();
  const request = new Request("http://localhost/referrals/new", {
    method: "POST",
    body: formBody(),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost", Cookie: cookie },
  });
  try {
    await action({ request, params: {}, context: {} });
    throw new Error("no redirect");
  } catch (thrown) {
    const ms = performance.now() - started;
    if (thrown instanceof Response && thrown.status === 302) return { ok: true, ms, at: performance.now() };
    if (isDatabaseUnavailable(thrown)) return { ok: false, ms, at: performance.now() };
    throw thrown;
  }
}

async function phase(seconds: number, during?: () => Promise<void>) {
  const results: Result[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const r = await sendOnce();
      results.push(r);
      if (!r.ok) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([...Array.from({ length: IN_FLIGHT }, worker), during?.()]);
  return { results, start, seconds: (performance.now() - start) / 1000 };
}

function percentile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

function row(name: string, { results, seconds }: { results: Result[]; seconds: number }, extra = "") {
  const ok = results
    .filter((r) => r.ok)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const refused = results.length - ok.length;
  return `| ${name} | ${(ok.length / seconds).toFixed(0)} | ${percentile(ok, 50).toFixed(0)} ms | ${percentile(ok, 95).toFixed(0)} ms | ${ok.length} | ${refused} | ${extra} |`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  await phase(2); // warm-up
  const steady = await phase(STEADY_SECONDS);
  let crashedAt = 0;
  let restartedAt = 0;
  const outage = await phase(OUTAGE_SECONDS, async () => {
    await sleep(2000);
    server.crash();
    crashedAt = performance.now();
    await sleep(2000);
    server.start();
    restartedAt = performance.now();
  });
  const firstAfter = outage.results.filter((r) => r.ok && r.at > restartedAt).sort((a, b) => a.at - b.at)[0];
  const resumed = firstAfter ? `${((firstAfter.at - restartedAt) / 1000).toFixed(1)} s after the database was back` : "did not resume";
  console.log(`\nReferral sends, ${IN_FLIGHT} in flight, PostgreSQL (${new Date().toISOString().slice(0, 10)}; ${counter} sends in all)\n`);
  console.log("| Phase | Sends/s | p50 | p95 | Sent | Refused (503) | Notes |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  console.log(row(`Steady, ${STEADY_SECONDS} s`, steady));
  console.log(
    row(`Outage and recovery, ${OUTAGE_SECONDS} s`, outage, `database down ${((restartedAt - crashedAt) / 1000).toFixed(1)} s; first send ${resumed}`),
  );
} finally {
  await handle.close().catch(() => {});
  server.destroy();
}
process.exit(0);
