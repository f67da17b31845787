// The coordinators' dashboard: every figure is aggregated in SQL over the referrals table, never in JavaScript
// over rows, so it stays fast with a million referrals (see bench/reports.ts and docs/performance.md).
// Reports never read names, dates of birth, contact details, postcodes or free text: only states, dates,
// services, need codes and the ward/sector recorded at send time.
import { sql, type SQL } from "drizzle-orm";
import { may } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { Forbidden } from "../domain/errors";
import { getDb } from "../db.server";
import { SHANARRI } from "../directory/taxonomy";
import {
  CLOSE_OUTCOMES,
  DECLINE_REASONS,
  NEED_OUTCOMES,
  REFERRAL_STATES,
  STATE_LABELS,
  SYSTEM_CLOSE_OUTCOMES,
  type ReferralState,
} from "../referrals/state-machine";
import { wards } from "./areas.server";
import { breakdownRows, type BreakdownRow } from "./rollups.server";
import { monthsBetween, type ReportFilters } from "./filters";
import { NEED_BITS, OUTCOME_CODES, outcomeBit } from "./needs";

/** Reports are for coordinators (the policy's "reports.read"). */
export class NotACoordinator extends Forbidden {}

export function assertMayReadReports(user: CurrentUser) {
  if (!may(user, "reports.read")) throw new NotACoordinator();
}

export async function rowsOf<T>(query: SQL): Promise<T[]> {
  const db = await getDb();
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

const OPEN_STATES = sql`('sent', 'info_requested', 'info_received', 'accepted', 'in_progress')`;

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
  return sql`${filtersWhere(f)} and r.sent_at >= ${startOf(f.from)}::timestamptz and r.sent_at < ${endOf(f.to)}::timestamptz`;
}

/** The filters other than dates, as a WHERE clause on alias r. */
function filtersWhere(f: ReportFilters): SQL {
  const parts: SQL[] = [sql`r.state <> 'draft'`];
  if (f.organisation) parts.push(sql`r.organisation_id = ${f.organisation}::uuid`);
  if (f.service) parts.push(sql`r.service_id = ${f.service}::uuid`);
  if (f.ward) parts.push(sql`r.ward_code = ${f.ward}`);
  if (f.need) parts.push(sql`(r.need_mask & ${NEED_BITS[f.need]!}::int) <> 0`);
  return sql.join(parts, sql` and `);
}

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

/** percentile_cont over a histogram of whole numbers (value → count): the same interpolation PostgreSQL uses. */
export function percentileFromHistogram(histogram: { value: number; n: number }[], p: number): number | null {
  const sorted = histogram.filter((h) => h.n > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((a, h) => a + h.n, 0);
  if (total === 0) return null;
  const at = (index: number) => {
    let seen = 0;
    for (const h of sorted) {
      seen += h.n;
      if (index < seen) return h.value;
    }
    return sorted[sorted.length - 1]!.value;
  };
  const position = p * (total - 1);
  const lower = Math.floor(position);
  const below = at(lower);
  return below + (position - lower) * (at(Math.ceil(position)) - below);
}

type Breakdown = "month_state" | "ward_month" | "service_state" | "organisation_state" | "reason" | "needs" | "days";

/**
 * The dashboard's grouped rows (see breakdownSelect in rollups.server.ts), from the monthly roll-ups where they
 * cover the range and live SQL for the rest, sorted into breakdowns. What is left for JavaScript is adding up at
 * most a few thousand grouped rows (ward totals, bits into needs, histograms into percentiles).
 */
async function breakdowns(f: ReportFilters, options: { live?: boolean } = {}) {
  const filtered = Boolean(f.organisation || f.service || f.ward || f.need);
  const rows = (await breakdownRows(f, filtered ? filtersWhere(f) : sql`r.state <> 'draft'`, filtered, options)) as (BreakdownRow & {
    state: ReferralState | null;
  })[];
  // grouping() sets a bit (most significant first) for each listed column NOT in the row's grouping set.
  const COLUMNS = ["month", "state", "ward", "service", "organisation", "reason", "needs", "need_outcomes", "response", "close"] as const;
  const bit = (c: (typeof COLUMNS)[number]) => 1 << (COLUMNS.length - 1 - COLUMNS.indexOf(c));
  const ALL = (1 << COLUMNS.length) - 1;
  const only = (...cs: (typeof COLUMNS)[number][]) => ALL & ~cs.reduce((a, c) => a | bit(c), 0);
  const sets: Record<Breakdown, number> = {
    month_state: only("month", "state"),
    ward_month: only("ward", "month"),
    service_state: only("service", "state"),
    organisation_state: only("organisation", "state"),
    reason: only("reason"),
    needs: only("needs", "need_outcomes"),
    days: only("response", "close"),
  };
  return (name: Breakdown) => rows.filter((r) => r.g === sets[name]);
}

type Grouped = Awaited<ReturnType<typeof breakdowns>>;
const sum = (rows: { n: number }[]) => rows.reduce((a, r) => a + r.n, 0);
const ACCEPTED: readonly string[] = ["accepted", "in_progress", "closed"];
const OPEN: readonly string[] = ["sent", "info_requested", "info_received", "accepted", "in_progress"];

/** Referrals, accepted, declined and open, from rows grouped by (something, state). */
function stateCounts(rows: Grouped extends (name: Breakdown) => infer R ? R : never) {
  return {
    n: sum(rows),
    accepted: sum(rows.filter((r) => ACCEPTED.includes(r.state!))),
    declined: sum(rows.filter((r) => r.state === "declined")),
    open: sum(rows.filter((r) => OPEN.includes(r.state!))),
  };
}

function histogram(rows: { value: number | null; n: number }[]) {
  const byValue = new Map<number, number>();
  for (const r of rows) if (r.value !== null) byValue.set(r.value, (byValue.get(r.value) ?? 0) + r.n);
  return [...byValue].map(([value, n]) => ({ value, n }));
}

function summaryOf(by: Grouped): Summary {
  const states = by("month_state");
  const count = (list: readonly string[]) => sum(states.filter((r) => list.includes(r.state!)));
  const total = sum(states);
  const decided = count(["accepted", "in_progress", "closed", "declined"]);
  const accepted = count(ACCEPTED);
  const days = by("days");
  const response = histogram(days.map((r) => ({ value: r.response_days, n: r.n })));
  const close = histogram(days.map((r) => ({ value: r.close_days, n: r.n })));
  return {
    total,
    decided,
    accepted,
    declined: count(["declined"]),
    acceptanceRate: decided > 0 ? accepted / decided : null,
    responded: sum(response),
    responseMedian: percentileFromHistogram(response, 0.5),
    responseP90: percentileFromHistogram(response, 0.9),
    closed: count(["closed"]),
    closeMedian: percentileFromHistogram(close, 0.5),
    closeP90: percentileFromHistogram(close, 0.9),
  };
}

async function serviceNames(ids: string[]) {
  if (ids.length === 0) return [];
  return rowsOf<{ id: string; name: string; organisation_name: string }>(sql`
    select s.id, s.name, o.name as organisation_name from services s join organisations o on o.id = s.organisation_id
    where s.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
}

async function organisationNames(ids: string[]) {
  if (ids.length === 0) return [];
  return rowsOf<{ id: string; name: string }>(sql`
    select o.id, o.name from organisations o where o.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`);
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

const label = (labels: Record<string, string>, code: string) => labels[code] ?? code;

/** Everything on the dashboard for these filters. Coordinators only. */
export async function dashboard(user: CurrentUser, f: ReportFilters, options: { live?: boolean } = {}) {
  assertMayReadReports(user);
  const [by, waiting] = await Promise.all([breakdowns(f, options), waitingLists(f)]);
  const needRows = by("needs");
  const outcomeRows = needRows.filter((r) => r.outcome_bits !== null);
  const serviceIds = [...new Set(by("service_state").map((r) => r.service_id!))];
  const organisationIds = [...new Set(by("organisation_state").map((r) => r.organisation_id!))];
  const [serviceRows, organisationRows] = await Promise.all([serviceNames(serviceIds), organisationNames(organisationIds)]);
  const byCount = <T extends { n: number; name: string }>(a: T, b: T) => b.n - a.n || a.name.localeCompare(b.name);
  const services = serviceIds
    .map((id) => {
      const named = serviceRows.find((x) => x.id === id)!;
      return { id, name: named.name, organisation_name: named.organisation_name, ...stateCounts(by("service_state").filter((r) => r.service_id === id)) };
    })
    .sort(byCount);
  const organisations = organisationIds
    .map((id) => {
      const { open: _open, ...counts } = stateCounts(by("organisation_state").filter((r) => r.organisation_id === id));
      return { id, name: organisationRows.find((x) => x.id === id)!.name, ...counts };
    })
    .sort(byCount);
  const months = monthsBetween(f.from, f.to);
  const states = REFERRAL_STATES.filter((s) => s !== "draft");
  const monthState = by("month_state");
  const monthly = months.map((month) => ({
    month,
    total: sum(monthState.filter((r) => r.month === month)),
    byState: Object.fromEntries(states.map((s) => [s, monthState.find((r) => r.month === month && r.state === s)?.n ?? 0])) as Record<ReferralState, number>,
  }));
  const stateTotals = states.map((s) => ({ state: s, label: STATE_LABELS[s], n: sum(monthState.filter((r) => r.state === s)) }));
  const wardNames = new Map(wards().map((x) => [x.code, x.name]));
  const wardMonth = by("ward_month");
  const wardRows = [...wards().map((x) => x.code), null].map((code) => ({
    code,
    name: code ? wardNames.get(code)! : "Outside the wards FORT knows, or not given",
    n: sum(wardMonth.filter((r) => r.ward_code === code)),
    monthly: months.map((month) => ({ month, n: wardMonth.find((r) => r.ward_code === code && r.month === month)?.n ?? 0 })),
  }));
  // Wards not in the boundary file (should not happen) still count, under their code.
  for (const code of new Set(wardMonth.map((r) => r.ward_code))) {
    if (code && !wardNames.has(code)) wardRows.push({ code, name: code, n: sum(wardMonth.filter((r) => r.ward_code === code)), monthly: [] });
  }
  const reasons = by("reason").filter((r) => r.reason !== null);
  const byN = (a: { n: number; label: string }, b: { n: number; label: string }) => b.n - a.n || a.label.localeCompare(b.label);
  return {
    filters: f,
    summary: summaryOf(by),
    months,
    monthly,
    stateTotals,
    wards: wardRows,
    services,
    organisations,
    needs: SHANARRI.map((n) => ({
      code: n.code,
      name: n.name,
      n: needRows.filter((r) => ((r.need_mask ?? 0) & NEED_BITS[n.code]!) !== 0).reduce((a, r) => a + r.n, 0),
    })),
    declineReasons: reasons
      .filter((r) => r.reason!.startsWith("decline:"))
      .map((r) => ({ reason: r.reason!.slice(8), label: label(DECLINE_REASONS, r.reason!.slice(8)), n: r.n }))
      .sort(byN),
    closeOutcomes: reasons
      .filter((r) => r.reason!.startsWith("outcome:"))
      .map((r) => ({ outcome: r.reason!.slice(8), label: label({ ...CLOSE_OUTCOMES, ...SYSTEM_CLOSE_OUTCOMES }, r.reason!.slice(8)), n: r.n }))
      .sort(byN),
    needOutcomes: SHANARRI.map((n) => ({
      code: n.code,
      name: n.name,
      outcomes: Object.fromEntries(
        OUTCOME_CODES.map((o) => [o, outcomeRows.filter((r) => (BigInt(r.outcome_bits!) & outcomeBit(n.code, o)) !== 0n).reduce((a, r) => a + r.n, 0)]),
      ) as Record<keyof typeof NEED_OUTCOMES, number>,
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
