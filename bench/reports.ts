// Coordinators' dashboard with a million referrals (issue 6).
//   BENCH_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres [BENCH_YEARS=3] npx tsx bench/reports.ts [referrals=1000000] [runs=7]
// Creates (drops first) the database fort_bench_reports on that server, migrates it, loads the demo directory,
// generates the referrals in SQL with generate_series, then times each dashboard query set: median and p95 of
// `runs` runs after one warm-up. Prints a Markdown table for docs/performance.md.
import postgres from "postgres";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const COUNT = Number(process.argv[2] ?? 1_000_000);
const RUNS = Number(process.argv[3] ?? 7);
// Over how many years the referrals were sent: the default 12-month view then holds COUNT / YEARS of them.
const YEARS = Number(process.env.BENCH_YEARS ?? 3);
const NAME = "fort_bench_reports";

// BENCH_REUSE=1 times the queries again on the database a previous run loaded (after a change to the queries only).
const REUSE = process.env.BENCH_REUSE === "1";
if (!REUSE) {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${NAME} with (force)`);
  await admin.unsafe(`create database ${NAME}`);
  await admin.end();
}
const url = new URL(ADMIN_URL);
url.pathname = `/${NAME}`;
process.env.DATABASE_URL = url.toString();
process.env.SEED_DEMO_DATA = "true";

const { databaseHandle, migrateDatabase } = await import("../app/db.server");
const { seedDemoData } = await import("../db/seed");
const { clock } = await import("../app/clock.server");
const { defaultRange } = await import("../app/reports/filters");
const { dashboard, filterOptions } = await import("../app/reports/reports.server");
const { gapAnalysis } = await import("../app/reports/gaps.server");
const { serviceResponsiveness } = await import("../app/reports/responsiveness.server");
const { wards } = await import("../app/reports/areas.server");
const { refreshReportRollups } = await import("../app/reports/rollups.server");

const handle = await databaseHandle();
await migrateDatabase(handle);
await seedDemoData(handle.db);
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });

const wardCodes = wards().map((w) => w.code);
const loadStart = performance.now();
if (!REUSE) {
  // Referrals spread evenly over the last YEARS years; states, needs, times and areas drawn at random with
  // realistic shares (most accepted; a fifth declined; some withdrawn or still open). VACUUM ANALYZE afterwards
  // stands in for autovacuum, which keeps the visibility map current on a live server (index-only scans need it).
  await sql.unsafe(`
  with svc as (select array_agg(id order by id) as ids, array_agg(organisation_id order by id) as orgs, count(*)::int as n from services where publication = 'published'),
  base as (
    select i, svc.ids[1 + (i % svc.n)] as service_id, svc.orgs[1 + (i % svc.n)] as organisation_id,
      now() - (random() * interval '1 day' * ${Math.round(YEARS * 365)}) as sent_at, random() as r_state, random() as r_resp, random() as r_close, random() as r_need, random() as r_ward
    from generate_series(1, ${COUNT}) as i, svc
  ),
  shaped as (
    select *, case
      when r_state < 0.08 then 'sent' when r_state < 0.10 then 'info_requested' when r_state < 0.28 then 'declined'
      when r_state < 0.33 then 'withdrawn' when r_state < 0.43 then 'accepted' when r_state < 0.55 then 'in_progress' else 'closed' end as state
    from base
  )
  insert into referrals (group_id, reference, service_id, organisation_id, state, child_name, parent_name, contact_preference, family_wants,
    consent_given_by, consent_date, consent_method, needs, need_outcomes, decline_reason, close_outcome,
    sent_at, first_response_at, closed_at, ward_code, postcode_sector, created_at, updated_at, last_activity_at)
  select gen_random_uuid(), 'FB-' || lpad(i::text, 9, '0'), service_id, organisation_id, state::referral_state,
    'Bench Child', 'Bench Parent', 'phone', 'Bench', 'Bench Parent', current_date, 'verbal',
    case when r_need < 0.5 then jsonb_build_array(jsonb_build_object('code', (array['safe','healthy','achieving','nurtured','active','respected','responsible','included'])[1 + (i % 8)], 'description', ''))
      else jsonb_build_array(jsonb_build_object('code', (array['safe','healthy','achieving','nurtured','active','respected','responsible','included'])[1 + (i % 8)], 'description', ''),
        jsonb_build_object('code', (array['safe','healthy','achieving','nurtured','active','respected','responsible','included'])[1 + ((i / 8) % 8)], 'description', '')) end,
    case when state = 'closed' then jsonb_build_object((array['safe','healthy','achieving','nurtured','active','respected','responsible','included'])[1 + (i % 8)],
      (array['met','partly_met','not_met','not_addressed'])[1 + (i % 4)]) end,
    case when state = 'declined' then (array['not_eligible','no_capacity','outside_area','family_declined','duplicate','better_met_elsewhere','other'])[1 + (i % 7)] end,
    case when state = 'closed' then (array['needs_met','needs_partly_met','family_disengaged','unable_to_contact','moved_away','escalated_to_statutory','other'])[1 + (i % 7)] end,
    sent_at,
    case when state not in ('sent', 'withdrawn') then sent_at + (r_resp * r_resp * interval '20 days') end,
    case when state in ('declined') then sent_at + (r_resp * r_resp * interval '20 days')
      when state in ('closed', 'withdrawn') then sent_at + interval '20 days' + (r_close * interval '120 days') end,
    case when r_ward < 0.95 then (array['${wardCodes.join("','")}'])[1 + (i % ${wardCodes.length})] end,
    'DD' || (1 + i % 5) || ' ' || (i % 9),
    sent_at, sent_at, sent_at
  -- Rows arrive in the order they are sent, as in real use.
  from shaped order by sent_at`);
  await sql.unsafe("vacuum analyze referrals");
}
const loadSeconds = (performance.now() - loadStart) / 1000;
const [{ n }] = (await sql<{ n: number }[]>`select count(*)::int as n from referrals`) as unknown as [{ n: number }];
console.log(`Loaded ${n.toLocaleString("en-GB")} referrals in ${loadSeconds.toFixed(1)} s`);

// The "report-rollups" job, as the scheduler would run it after the load (issue 14).
const rollupStart = performance.now();
const rolledUp = await refreshReportRollups();
console.log(`Rolled up ${rolledUp} months in ${((performance.now() - rollupStart) / 1000).toFixed(1)} s`);

const [coordinatorRow] = await sql<{ id: string; email: string; name: string }[]>`select id, email, name from users where role = 'coordinator' limit 1`;
const coordinator = { ...coordinatorRow!, role: "coordinator" as const, teamId: null, organisations: [] };
const [someService] = await sql<{ id: string }[]>`select service_id as id from referrals group by 1 order by count(*) desc limit 1`;
const today = clock.now();
const range = defaultRange(today);
const allTime = { from: new Date(today.getTime() - (YEARS * 365 + 5) * 86_400_000).toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) };

const scenarios: [string, () => Promise<unknown>][] = [
  ["Dashboard, last 12 months (default)", () => Promise.all([filterOptions(), dashboard(coordinator, range)])],
  [`Dashboard, all ${YEARS} years`, () => Promise.all([filterOptions(), dashboard(coordinator, allTime)])],
  [
    `Dashboard, all ${YEARS} years, live SQL only (no roll-ups, as before issue 14)`,
    () => Promise.all([filterOptions(), dashboard(coordinator, allTime, { live: true })]),
  ],
  ["Dashboard, last 12 months, live SQL only", () => Promise.all([filterOptions(), dashboard(coordinator, range, { live: true })])],
  [
    "Dashboard, 12 months, one ward and one need",
    () => Promise.all([filterOptions(), dashboard(coordinator, { ...range, ward: wardCodes[1], need: "nurtured" })]),
  ],
  ["Dashboard, 12 months, one service", () => Promise.all([filterOptions(), dashboard(coordinator, { ...range, service: someService!.id })])],
  ["Gaps by ward, 12 months, one need", () => gapAnalysis(coordinator, { ...range, need: "nurtured" })],
  ["Service page responsiveness (one service)", () => serviceResponsiveness(someService!.id)],
];

// CPU time used by this process and by every PostgreSQL backend serving the bench database (Linux /proc, when the
// server runs on this machine): on a shared, busy machine wall-clock time mostly measures waiting for a core.
const TICK_MS = 10;
async function cpuMs(): Promise<number | null> {
  const { readFile } = await import("node:fs/promises");
  const pids = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${NAME}`;
  let ticks = 0;
  try {
    for (const { pid } of pids) {
      const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  const own = process.cpuUsage();
  return ticks * TICK_MS + (own.user + own.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: { name: string; median: number; p95: number; cpu: number | null }[] = [];
for (const [name, run] of scenarios) {
  await run();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = await cpuMs();
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
    const c1 = await cpuMs();
    if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!;
  results.push({ name, median: median(times), p95, cpu: cpu.length ? median(cpu) : null });
  console.log(`${name}: median ${median(times).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, CPU ${cpu.length ? `${median(cpu).toFixed(0)} ms` : "n/a"}`);
}

const { loadavg } = await import("node:os");
console.log(
  `\nLoad average while timing: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")}`,
);
console.log(`\n| What (${n.toLocaleString("en-GB")} referrals over ${YEARS} years, ${RUNS} runs) | median | p95 | CPU (median) |\n|---|---:|---:|---:|`);
for (const r of results)
  console.log(`| ${r.name} | ${r.median.toFixed(0)} ms | ${r.p95.toFixed(0)} ms | ${r.cpu === null ? "n/a" : `${r.cpu.toFixed(0)} ms`} |`);
await sql.end();
await handle.close();
