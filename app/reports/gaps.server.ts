// Gaps in provision: demand by ward against the services that cover each ward and need.
// Every count of referrals or attempts below the suppression threshold is replaced by null
// ("fewer than N") here, on the server, so neither the page, the map nor the CSV can leak it.
import { sql, type SQL } from "drizzle-orm";
import type { CurrentUser } from "../auth/session.server";
import { config } from "../config.server";
import { wards } from "./areas.server";
import type { ReportFilters } from "./filters";
import { assertMayReadReports, referralsWhere, rowsOf } from "./reports.server";

/** A count of people's referrals: null when it is below the threshold and must not be shown. */
export type SuppressedCount = number | null;

export interface GapRow {
  wardCode: string;
  wardName: string;
  /** Referrals sent from the ward (for the need, when filtered). */
  demand: SuppressedCount;
  /** Declined for capacity plus attempts for which no listed service fitted. */
  unmet: SuppressedCount;
  /** The two parts of unmet, shown only when both can be (otherwise one could be worked out from the other). */
  declinedForCapacity: SuppressedCount;
  noEligibleService: SuppressedCount;
  /** Listed, active services covering the ward (and the need). Not about people: never suppressed. */
  servicesCovering: number;
  servicesAccepting: number;
  longestWaitWeeks: number | null;
}

export function suppress(n: number, threshold: number): SuppressedCount {
  return n >= threshold ? n : null;
}

export async function gapAnalysis(user: CurrentUser, f: ReportFilters, threshold = config().REPORT_SUPPRESSION_THRESHOLD) {
  assertMayReadReports(user);
  const list = wards();
  const w = referralsWhere({ ...f, ward: undefined });
  const unmetParts: SQL[] = [sql`u.at >= ${`${f.from}T00:00:00.000Z`}::timestamptz`, sql`u.at < (${`${f.to}T00:00:00.000Z`}::timestamptz + interval '1 day')`];
  if (f.need) unmetParts.push(sql`${f.need} = any(u.need_codes)`);
  const serviceParts: SQL[] = [sql`s.publication = 'published'`, sql`s.status = 'active'`];
  if (f.organisation) serviceParts.push(sql`s.organisation_id = ${f.organisation}::uuid`);
  if (f.service) serviceParts.push(sql`s.id = ${f.service}::uuid`);
  if (f.need)
    serviceParts.push(sql`exists (select 1 from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
      where stt.service_id = s.id and tt.taxonomy = 'shanarri' and tt.code = ${f.need})`);
  const wardValues = sql.join(
    list.map((x) => sql`(${x.code}, ${x.name})`),
    sql`, `,
  );

  const [demand, attempts, coverage] = await Promise.all([
    rowsOf<{ ward_code: string; n: number; capacity: number }>(sql`
      select r.ward_code, count(*)::int as n,
        count(*) filter (where r.state = 'declined' and r.decline_reason = 'no_capacity')::int as capacity
      from referrals r where ${w} and r.ward_code is not null group by 1`),
    rowsOf<{ ward_code: string; n: number }>(sql`
      select u.ward_code, count(*)::int as n from unmet_demand u
      where ${sql.join(unmetParts, sql` and `)} and u.ward_code is not null group by 1`),
    rowsOf<{ code: string; covering: number; accepting: number; longest_wait: number | null }>(sql`
      with w(code, name) as (values ${wardValues}),
      svc as (select s.id, s.capacity, s.typical_wait_weeks from services s where ${sql.join(serviceParts, sql` and `)})
      select w.code, count(svc.id)::int as covering,
        count(svc.id) filter (where svc.capacity = 'accepting')::int as accepting,
        max(svc.typical_wait_weeks) filter (where svc.capacity = 'waiting_list')::int as longest_wait
      from w left join svc on (
        not exists (select 1 from service_areas sa where sa.service_id = svc.id)
        or exists (select 1 from service_areas sa where sa.service_id = svc.id and (sa.code = w.code or sa.name = w.name or sa.code like 'S12%'))
      )
      group by w.code`),
  ]);

  const rows: GapRow[] = list.map((ward) => {
    const d = demand.find((r) => r.ward_code === ward.code);
    const capacity = d?.capacity ?? 0;
    const noService = attempts.find((r) => r.ward_code === ward.code)?.n ?? 0;
    const c = coverage.find((r) => r.code === ward.code);
    const bothShown = capacity >= threshold && noService >= threshold;
    return {
      wardCode: ward.code,
      wardName: ward.name,
      demand: suppress(d?.n ?? 0, threshold),
      unmet: suppress(capacity + noService, threshold),
      declinedForCapacity: bothShown ? capacity : null,
      noEligibleService: bothShown ? noService : null,
      servicesCovering: c?.covering ?? 0,
      servicesAccepting: c?.accepting ?? 0,
      longestWaitWeeks: c?.longest_wait ?? null,
    };
  });
  return { threshold, rows };
}

export type GapAnalysis = Awaited<ReturnType<typeof gapAnalysis>>;
