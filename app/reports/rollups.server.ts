// Monthly roll-ups of the coordinators' dashboard (issue 14), so a range of years answers like one year.
// The dashboard's grouped rows (GROUPING SETS, see breakdownSelect) are stored per whole, past month by the
// "report-rollups" job; a report then adds up the stored rows of the months it covers and reads live only what is
// not rolled up: the partial months at either end of the range, the current month, and any month a referral change
// has marked dirty since (trigger in migration report_rollups_trigger). So the figures always equal the live SQL.
// Filtered reports (organisation, service, ward or need) are read live: the roll-ups hold the unfiltered breakdowns
// only, since keeping every filter as a dimension would make them about as large as the referrals themselves.
import { sql, type SQL } from "drizzle-orm";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import type { ReportFilters } from "./filters";

export interface BreakdownRow {
  month: string | null;
  state: string | null;
  ward_code: string | null;
  service_id: string | null;
  organisation_id: string | null;
  reason: string | null;
  need_mask: number | null;
  outcome_bits: string | null;
  response_days: number | null;
  close_days: number | null;
  g: number;
  n: number;
}

async function rowsOf<T>(query: SQL): Promise<T[]> {
  const db = await getDb();
  const result = await db.execute(query);
  return (Array.isArray(result) ? result : (result as unknown as { rows: T[] }).rows) as T[];
}

/**
 * The whole dashboard in one pass over the referrals matching `w` (alias r): month × state, ward × month,
 * service × state, organisation × state, decline reason or close outcome, need bits × need-outcome bits, and working
 * days to respond × to close. Free text given with "other" is never reported: it may name the family.
 * Columns keep their SQL types (outcome_bits a bigint) so the roll-up job can store them as they are.
 */
export function breakdownSelect(w: SQL): SQL {
  return sql`
    select to_char(b.sent_month, 'YYYY-MM') as month, b.state::text as state, b.ward_code, b.service_id, b.organisation_id, b.reason,
      b.need_mask, b.outcome_bits, b.response_days, b.close_days,
      grouping(b.sent_month, b.state, b.ward_code, b.service_id, b.organisation_id, b.reason, b.need_mask, b.outcome_bits, b.response_days, b.close_days)::int as g,
      count(*)::int as n
    from (
      select r.sent_month, r.state, r.ward_code, r.service_id, r.organisation_id, r.need_mask,
        case when r.state = 'closed' then r.need_outcome_bits end as outcome_bits,
        r.response_working_days as response_days, r.close_working_days as close_days,
        case
          when r.state = 'declined' then 'decline:' || case when r.decline_reason like 'other%' then 'other' else coalesce(r.decline_reason, 'other') end
          when r.state = 'closed' then 'outcome:' || case when r.close_outcome like 'other%' then 'other' else coalesce(r.close_outcome, 'other') end
        end as reason
      from referrals r where ${w}
    ) as b
    group by grouping sets ((b.sent_month, b.state), (b.ward_code, b.sent_month), (b.service_id, b.state), (b.organisation_id, b.state),
      (b.reason), (b.need_mask, b.outcome_bits), (b.response_days, b.close_days))`;
}

const COLUMNS = "month, state, ward_code, service_id, organisation_id, reason, need_mask, outcome_bits, response_days, close_days, g";

async function liveRows(w: SQL) {
  return rowsOf<BreakdownRow>(
    sql`select ${sql.raw(COLUMNS.replace("outcome_bits", "outcome_bits::text as outcome_bits"))}, n from (${breakdownSelect(w)}) as live`,
  );
}

// ------------------------------------------------------------------------------------------------ months

const DAY = 86_400_000;
/** First day of the month of an ISO day or instant, as YYYY-MM-DD. */
function monthOf(d: Date) {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}
function nextMonth(d: Date) {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Whole months inside [start, end) that have ended by `now`: the only months ever rolled up. */
function wholePastMonths(start: Date, end: Date, now: Date): Date[] {
  const months: Date[] = [];
  let m = monthOf(start);
  if (m < start) m = nextMonth(m);
  for (; nextMonth(m) <= end && nextMonth(m) <= now; m = nextMonth(m)) months.push(m);
  return months;
}

/** Which of these months are rolled up and not changed since. */
async function usableMonths(months: Date[]): Promise<Set<string>> {
  if (months.length === 0) return new Set();
  const rows = await rowsOf<{ period: string }>(sql`
    select to_char(m.period, 'YYYY-MM-DD') as period from referral_rollup_months m
    where m.period between ${isoDay(months[0]!)}::date and ${isoDay(months[months.length - 1]!)}::date
      and not exists (select 1 from referral_rollup_dirty d where d.period = m.period)`);
  return new Set(rows.map((r) => r.period));
}

function mergeRows(parts: BreakdownRow[][]): BreakdownRow[] {
  if (parts.length === 1) return parts[0]!;
  const merged = new Map<string, BreakdownRow>();
  for (const rows of parts) {
    for (const row of rows) {
      const key = [
        row.g,
        row.month,
        row.state,
        row.ward_code,
        row.service_id,
        row.organisation_id,
        row.reason,
        row.need_mask,
        row.outcome_bits,
        row.response_days,
        row.close_days,
      ].join("|");
      const seen = merged.get(key);
      if (seen) seen.n += row.n;
      else merged.set(key, { ...row });
    }
  }
  return [...merged.values()];
}

/**
 * The dashboard's grouped rows for these filters: roll-ups for whole past months that have not changed since,
 * live SQL for the rest. `extraWhere` holds the filters other than dates (organisation, service, ward, need);
 * with any of them the whole range is read live.
 */
export async function breakdownRows(f: ReportFilters, baseWhere: SQL, filtered: boolean, options: { live?: boolean } = {}): Promise<BreakdownRow[]> {
  const start = new Date(`${f.from}T00:00:00.000Z`);
  const end = new Date(new Date(`${f.to}T00:00:00.000Z`).getTime() + DAY);
  const whole = filtered || options.live ? [] : wholePastMonths(start, end, clock.now());
  const usable = await usableMonths(whole);
  const rolled = whole.filter((m) => usable.has(isoDay(m)));
  if (rolled.length === 0)
    return liveRows(sql`${baseWhere} and r.sent_at >= ${start.toISOString()}::timestamptz and r.sent_at < ${end.toISOString()}::timestamptz`);

  // What is left of [start, end) once the rolled-up months are taken out, as a few contiguous intervals.
  const intervals: [Date, Date][] = [];
  let cursor = start;
  for (const m of rolled) {
    if (cursor < m) intervals.push([cursor, m]);
    cursor = nextMonth(m);
  }
  if (cursor < end) intervals.push([cursor, end]);
  const live = intervals.length
    ? liveRows(
        sql`${baseWhere} and (${sql.join(
          intervals.map(([a, b]) => sql`(r.sent_at >= ${a.toISOString()}::timestamptz and r.sent_at < ${b.toISOString()}::timestamptz)`),
          sql` or `,
        )})`,
      )
    : Promise.resolve([]);
  const stored = rowsOf<BreakdownRow>(sql`
    select ${sql.raw(COLUMNS.replace("outcome_bits", "outcome_bits::text as outcome_bits"))}, sum(n)::int as n
    from referral_month_rollups
    where period in (${sql.join(
      rolled.map((m) => sql`${isoDay(m)}::date`),
      sql`, `,
    )})
    group by ${sql.raw(COLUMNS)}`);
  return mergeRows(await Promise.all([stored, live]));
}

// ------------------------------------------------------------------------------------------------ the job

/**
 * Rolls up every whole past month that is not rolled up yet or was changed since (at most `limit` a run).
 * Each month in its own short transaction: the dirty mark is taken away first, so a referral changed while the
 * month is being added up marks it dirty again (its insert waits for this commit) and it is read live until next time.
 */
export async function refreshReportRollups(limit = 120): Promise<number> {
  const db = await getDb();
  const now = clock.now();
  const [first] = await rowsOf<{ first: string | null }>(sql`select min(sent_at)::text as first from referrals where sent_at is not null`);
  if (!first?.first) return 0;
  const candidates = wholePastMonths(monthOf(new Date(first.first)), monthOf(now), now);
  if (candidates.length === 0) return 0;
  const usable = await usableMonths(candidates);
  const stale = candidates.filter((m) => !usable.has(isoDay(m))).slice(-limit);
  for (const m of stale) {
    const period = isoDay(m);
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from referral_rollup_dirty where period = ${period}::date`);
      await tx.execute(sql`delete from referral_month_rollups where period = ${period}::date`);
      await tx.execute(sql`
        insert into referral_month_rollups (period, ${sql.raw(COLUMNS)}, n)
        select ${period}::date, ${sql.raw(COLUMNS)}, n from (${breakdownSelect(sql`r.state <> 'draft' and r.sent_at >= ${m.toISOString()}::timestamptz and r.sent_at < ${nextMonth(m).toISOString()}::timestamptz`)}) as month_rows`);
      await tx.execute(sql`
        insert into referral_rollup_months (period, refreshed_at) values (${period}::date, ${now.toISOString()}::timestamptz)
        on conflict (period) do update set refreshed_at = excluded.refreshed_at`);
    });
  }
  return stale.length;
}
