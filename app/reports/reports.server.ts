// The coordinators' dashboard: every figure is aggregated in SQL over the referrals table, never in JavaScript
// over rows, so it stays fast with a million referrals (see bench/reports.ts and docs/performance.md).
// Reports never read names, dates of birth, contact details, postcodes or free text: only states, dates,
// services, need codes and the ward/sector recorded at send time.
import { sql, type SQL } from "drizzle-orm";
import type { CurrentUser } from "../auth/session.server";
import { getDb } from "../db.server";
import { SHANARRI } from "../directory/taxonomy";
import { CLOSE_OUTCOMES, DECLINE_REASONS, NEED_OUTCOMES, REFERRAL_STATES, STATE_LABELS, type ReferralState } from "../referrals/state-machine";
import { wards } from "./areas.server";
import { monthsBetween, type ReportFilters } from "./filters";

export class NotACoordinator extends Error {}

export async function rowsOf<T>(query: SQL): Promise<T[]> {
  const db = await getDb();
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

const ACCEPTED_STATES = sql`('accepted', 'in_progress', 'closed')`;
const DECIDED_STATES = sql`('accepted', 'in_progress', 'closed', 'declined')`;
const OPEN_STATES = sql`('sent', 'info_requested', 'accepted', 'in_progress')`;

function startOf(day: string) {
  return `${day}T00:00:00.000Z`;
}
function endOf(day: string) {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/** The referrals the filters select (sent in the date range), as a WHERE clause on alias r. */
export function referralsWhere(f: ReportFilters): SQL {
  const parts: SQL[] = [sql`r.state <> 'draft'`, sql`r.sent_at >= ${startOf(f.from)}::timestamptz`, sql`r.sent_at < ${endOf(f.to)}::timestamptz`];
  if (f.organisation) parts.push(sql`r.organisation_id = ${f.organisation}::uuid`);
  if (f.service) parts.push(sql`r.service_id = ${f.service}::uuid`);
  if (f.ward) parts.push(sql`r.ward_code = ${f.ward}`);
  if (f.need) parts.push(sql`r.needs @> ${JSON.stringify([{ code: f.need }])}::jsonb`);
  return sql.join(parts, sql` and `);
}

const MONTH = sql`to_char(r.sent_at at time zone 'UTC', 'YYYY-MM')`;

export interface Summary {
  total: number;
  decided: number;
  accepted: number;
  declined: number;
  /** Accepted ÷ decided (accepted or declined), or null before any decision. */
  acceptanceRate: number | null;
  responded: number;
  responseMedian: number | null;
  responseP90: number | null;
  closed: number;
  closeMedian: number | null;
  closeP90: number | null;
}

async function summary(w: SQL): Promise<Summary> {
  const [row] = await rowsOf<{
    total: number;
    decided: number;
    accepted: number;
    declined: number;
    responded: number;
    response_median: number | null;
    response_p90: number | null;
    closed: number;
    close_median: number | null;
    close_p90: number | null;
  }>(sql`
    select count(*)::int as total,
      count(*) filter (where r.state in ${DECIDED_STATES})::int as decided,
      count(*) filter (where r.state in ${ACCEPTED_STATES})::int as accepted,
      count(*) filter (where r.state = 'declined')::int as declined,
      count(r.first_response_at)::int as responded,
      percentile_cont(0.5) within group (order by working_days_between(r.sent_at, r.first_response_at))::float8 as response_median,
      percentile_cont(0.9) within group (order by working_days_between(r.sent_at, r.first_response_at))::float8 as response_p90,
      count(*) filter (where r.state = 'closed')::int as closed,
      percentile_cont(0.5) within group (order by case when r.state = 'closed' then working_days_between(r.sent_at, r.closed_at) end)::float8 as close_median,
      percentile_cont(0.9) within group (order by case when r.state = 'closed' then working_days_between(r.sent_at, r.closed_at) end)::float8 as close_p90
    from referrals r where ${w}`);
  const s = row!;
  return {
    total: s.total,
    decided: s.decided,
    accepted: s.accepted,
    declined: s.declined,
    acceptanceRate: s.decided > 0 ? s.accepted / s.decided : null,
    responded: s.responded,
    responseMedian: s.response_median,
    responseP90: s.response_p90,
    closed: s.closed,
    closeMedian: s.close_median,
    closeP90: s.close_p90,
  };
}

/** Counts by month and state, and by state over the whole range, in one pass. */
async function byMonthAndState(w: SQL) {
  return rowsOf<{ month: string | null; state: ReferralState; n: number }>(sql`
    select ${MONTH} as month, r.state, count(*)::int as n
    from referrals r where ${w}
    group by grouping sets ((1, 2), (2))`);
}

/** Counts by ward and month, and by ward over the whole range, in one pass. */
async function byWardAndMonth(w: SQL) {
  return rowsOf<{ ward_code: string | null; month: string | null; n: number }>(sql`
    select r.ward_code, ${MONTH} as month, count(*)::int as n
    from referrals r where ${w}
    group by grouping sets ((1, 2), (1))`);
}

async function byService(w: SQL) {
  return rowsOf<{ id: string; name: string; organisation_name: string; n: number; accepted: number; declined: number; open: number }>(sql`
    with agg as (
      select r.service_id, count(*)::int as n,
        count(*) filter (where r.state in ${ACCEPTED_STATES})::int as accepted,
        count(*) filter (where r.state = 'declined')::int as declined,
        count(*) filter (where r.state in ${OPEN_STATES})::int as open
      from referrals r where ${w} group by r.service_id
    )
    select s.id, s.name, o.name as organisation_name, agg.n, agg.accepted, agg.declined, agg.open
    from agg join services s on s.id = agg.service_id join organisations o on o.id = s.organisation_id
    order by agg.n desc, s.name`);
}

async function byOrganisation(w: SQL) {
  return rowsOf<{ id: string; name: string; n: number; accepted: number; declined: number }>(sql`
    with agg as (
      select r.organisation_id, count(*)::int as n,
        count(*) filter (where r.state in ${ACCEPTED_STATES})::int as accepted,
        count(*) filter (where r.state = 'declined')::int as declined
      from referrals r where ${w} group by r.organisation_id
    )
    select o.id, o.name, agg.n, agg.accepted, agg.declined
    from agg join organisations o on o.id = agg.organisation_id
    order by agg.n desc, o.name`);
}

async function byNeed(w: SQL) {
  return rowsOf<{ code: string; n: number }>(sql`
    select need->>'code' as code, count(*)::int as n
    from referrals r cross join lateral jsonb_array_elements(r.needs) as need
    where ${w} group by 1`);
}

async function declineReasons(w: SQL) {
  // Free text given with "other" is not reported: it may name the family.
  return rowsOf<{ reason: string; n: number }>(sql`
    select case when r.decline_reason like 'other%' then 'other' else coalesce(r.decline_reason, 'other') end as reason, count(*)::int as n
    from referrals r where ${w} and r.state = 'declined' group by 1 order by 2 desc, 1`);
}

async function outcomesByNeed(w: SQL) {
  return rowsOf<{ need: string; outcome: string; n: number }>(sql`
    select o.key as need, o.value as outcome, count(*)::int as n
    from referrals r cross join lateral jsonb_each_text(r.need_outcomes) as o
    where ${w} and r.state = 'closed' and r.need_outcomes is not null group by 1, 2`);
}

async function closeOutcomes(w: SQL) {
  return rowsOf<{ outcome: string; n: number }>(sql`
    select case when r.close_outcome like 'other%' then 'other' else coalesce(r.close_outcome, 'other') end as outcome, count(*)::int as n
    from referrals r where ${w} and r.state = 'closed' group by 1 order by 2 desc, 1`);
}

/** Services with a waiting list now, with how many referrals to them are open (any date), within the filters. */
async function waitingLists(f: ReportFilters) {
  const parts: SQL[] = [sql`s.capacity = 'waiting_list'`, sql`s.publication = 'published'`, sql`s.status <> 'inactive'`];
  if (f.organisation) parts.push(sql`s.organisation_id = ${f.organisation}::uuid`);
  if (f.service) parts.push(sql`s.id = ${f.service}::uuid`);
  if (f.need)
    parts.push(sql`exists (select 1 from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
      where stt.service_id = s.id and tt.taxonomy = 'shanarri' and tt.code = ${f.need})`);
  if (f.ward)
    parts.push(sql`(not exists (select 1 from service_areas sa where sa.service_id = s.id)
      or exists (select 1 from service_areas sa where sa.service_id = s.id and (sa.code = ${f.ward} or sa.code like 'S12%')))`);
  return rowsOf<{ id: string; name: string; organisation_name: string; typical_wait_weeks: number | null; open: number }>(sql`
    select s.id, s.name, o.name as organisation_name, s.typical_wait_weeks,
      (select count(*)::int from referrals r where r.service_id = s.id and r.state in ${OPEN_STATES}) as open
    from services s join organisations o on o.id = s.organisation_id
    where ${sql.join(parts, sql` and `)}
    order by s.typical_wait_weeks desc nulls last, s.name`);
}

export async function filterOptions() {
  const [organisations, services] = await Promise.all([
    rowsOf<{ id: string; name: string }>(sql`select o.id, o.name from organisations o where o.status = 'approved' order by o.name`),
    rowsOf<{ id: string; name: string; organisation_name: string }>(sql`
      select s.id, s.name, o.name as organisation_name from services s join organisations o on o.id = s.organisation_id
      where s.publication = 'published' order by s.name`),
  ]);
  return { organisations, services, wards: wards(), needs: SHANARRI.map((n) => ({ code: n.code, name: n.name })) };
}

const NEED_NAMES: Record<string, string> = Object.fromEntries(SHANARRI.map((n) => [n.code, n.name]));
const label = (labels: Record<string, string>, code: string) => labels[code] ?? code;

/** Everything on the dashboard for these filters. Coordinators only. */
export async function dashboard(user: CurrentUser, f: ReportFilters) {
  if (user.role !== "coordinator") throw new NotACoordinator();
  const w = referralsWhere(f);
  const [totals, monthState, wardMonth, services, organisations, needs, declines, needOutcomes, outcomes, waiting] = await Promise.all([
    summary(w),
    byMonthAndState(w),
    byWardAndMonth(w),
    byService(w),
    byOrganisation(w),
    byNeed(w),
    declineReasons(w),
    outcomesByNeed(w),
    closeOutcomes(w),
    waitingLists(f),
  ]);
  const months = monthsBetween(f.from, f.to);
  const states = REFERRAL_STATES.filter((s) => s !== "draft");
  const monthly = months.map((month) => ({
    month,
    total: monthState.filter((r) => r.month === month).reduce((a, r) => a + r.n, 0),
    byState: Object.fromEntries(states.map((s) => [s, monthState.find((r) => r.month === month && r.state === s)?.n ?? 0])) as Record<ReferralState, number>,
  }));
  const stateTotals = states.map((s) => ({ state: s, label: STATE_LABELS[s], n: monthState.find((r) => r.month === null && r.state === s)?.n ?? 0 }));
  const wardNames = new Map(wards().map((x) => [x.code, x.name]));
  const wardRows = [...wards().map((x) => x.code), null].map((code) => ({
    code,
    name: code ? wardNames.get(code)! : "Outside the wards FORT knows, or not given",
    n: wardMonth.find((r) => r.ward_code === code && r.month === null)?.n ?? 0,
    monthly: months.map((month) => ({ month, n: wardMonth.find((r) => r.ward_code === code && r.month === month)?.n ?? 0 })),
  }));
  // Wards not in the boundary file (should not happen) still count, under their code.
  for (const r of wardMonth) {
    if (r.month === null && r.ward_code && !wardNames.has(r.ward_code)) wardRows.push({ code: r.ward_code, name: r.ward_code, n: r.n, monthly: [] });
  }
  return {
    filters: f,
    summary: totals,
    months,
    monthly,
    stateTotals,
    wards: wardRows,
    services,
    organisations,
    needs: SHANARRI.map((n) => ({ code: n.code, name: n.name, n: needs.find((r) => r.code === n.code)?.n ?? 0 })),
    declineReasons: declines.map((d) => ({ reason: d.reason, label: label(DECLINE_REASONS, d.reason), n: d.n })),
    closeOutcomes: outcomes.map((o) => ({ outcome: o.outcome, label: label(CLOSE_OUTCOMES, o.outcome), n: o.n })),
    needOutcomes: SHANARRI.map((n) => ({
      code: n.code,
      name: n.name,
      outcomes: Object.fromEntries(Object.keys(NEED_OUTCOMES).map((o) => [o, needOutcomes.find((r) => r.need === n.code && r.outcome === o)?.n ?? 0])) as Record<keyof typeof NEED_OUTCOMES, number>,
    })).filter((n) => Object.values(n.outcomes).some((v) => v > 0)),
    waitingLists: waiting,
  };
}

export type Dashboard = Awaited<ReturnType<typeof dashboard>>;

// ---------------------------------------------------------------- tables, shared by the page and the CSV export

export interface ReportTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

const fixed = (v: number | null, digits = 1) => (v === null ? "" : Number(v.toFixed(digits)));

export const REPORT_TABLE_NAMES = [
  "summary",
  "by-month",
  "by-state",
  "by-service",
  "by-organisation",
  "by-need",
  "by-ward",
  "decline-reasons",
  "close-outcomes",
  "need-outcomes",
  "waiting-lists",
] as const;
export type ReportTableName = (typeof REPORT_TABLE_NAMES)[number];

export function reportTables(d: Dashboard): Record<ReportTableName, ReportTable> {
  const states = d.stateTotals.map((s) => s.state);
  return {
    summary: {
      title: "Summary",
      columns: ["Measure", "Value"],
      rows: [
        ["Referrals sent", d.summary.total],
        ["Accepted", d.summary.accepted],
        ["Declined", d.summary.declined],
        ["Acceptance rate (% of decided)", d.summary.acceptanceRate === null ? "" : fixed(d.summary.acceptanceRate * 100)],
        ["Working days to first response: median", fixed(d.summary.responseMedian)],
        ["Working days to first response: 90th percentile", fixed(d.summary.responseP90)],
        ["Working days to close: median", fixed(d.summary.closeMedian)],
        ["Working days to close: 90th percentile", fixed(d.summary.closeP90)],
      ],
    },
    "by-month": {
      title: "Referrals sent by month and current state",
      columns: ["Month", "All", ...d.stateTotals.map((s) => s.label)],
      rows: d.monthly.map((m) => [m.month, m.total, ...states.map((s) => m.byState[s])]),
    },
    "by-state": { title: "Referrals by current state", columns: ["State", "Referrals"], rows: d.stateTotals.map((s) => [s.label, s.n]) },
    "by-service": {
      title: "Referrals by service",
      columns: ["Service", "Organisation", "Referrals", "Accepted", "Declined", "Open"],
      rows: d.services.map((s) => [s.name, s.organisation_name, s.n, s.accepted, s.declined, s.open]),
    },
    "by-organisation": {
      title: "Referrals by organisation",
      columns: ["Organisation", "Referrals", "Accepted", "Declined"],
      rows: d.organisations.map((o) => [o.name, o.n, o.accepted, o.declined]),
    },
    "by-need": { title: "Referrals by wellbeing need (SHANARRI)", columns: ["Need", "Referrals"], rows: d.needs.map((n) => [n.name, n.n]) },
    "by-ward": {
      title: "Referrals by ward and month",
      columns: ["Ward", "All", ...d.months],
      rows: d.wards.filter((w) => w.n > 0 || w.code).map((w) => [w.name, w.n, ...d.months.map((m) => w.monthly.find((x) => x.month === m)?.n ?? 0)]),
    },
    "decline-reasons": { title: "Decline reasons", columns: ["Reason", "Referrals"], rows: d.declineReasons.map((r) => [r.label, r.n]) },
    "close-outcomes": { title: "Outcomes of closed referrals", columns: ["Outcome", "Referrals"], rows: d.closeOutcomes.map((r) => [r.label, r.n]) },
    "need-outcomes": {
      title: "Outcomes per wellbeing need (closed referrals)",
      columns: ["Need", ...Object.values(NEED_OUTCOMES)],
      rows: d.needOutcomes.map((n) => [n.name, ...Object.keys(NEED_OUTCOMES).map((o) => n.outcomes[o as keyof typeof NEED_OUTCOMES])]),
    },
    "waiting-lists": {
      title: "Services with a waiting list",
      columns: ["Service", "Organisation", "Typical wait (weeks)", "Open referrals"],
      rows: d.waitingLists.map((s) => [s.name, s.organisation_name, s.typical_wait_weeks ?? "", s.open]),
    },
  };
}



export { NEED_NAMES };
