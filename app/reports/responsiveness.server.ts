// How quickly a service answers referrals and how many it accepts, from the last twelve months of real
// referrals, for its public page. Nothing is shown until there are enough referrals for the figure to mean something.
import { sql } from "drizzle-orm";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { isUuid } from "../directory/services.server";
import { rowsOf } from "./reports.server";

export interface Responsiveness {
  /** Median working days from sent to first response, rounded up; null when too few responses. */
  usualResponseWorkingDays: number | null;
  /** Share of decided referrals that were accepted (0–1); null when too few decisions. */
  acceptedShare: number | null;
  decided: number;
}

export async function serviceResponsiveness(serviceId: string, minimum = config().RESPONSIVENESS_MIN_REFERRALS): Promise<Responsiveness | null> {
  if (!isUuid(serviceId)) return null;
  const since = new Date(clock.now().getTime() - 365 * 86_400_000).toISOString();
  const [row] = await rowsOf<{ responded: number; median: number | null; decided: number; accepted: number }>(sql`
    select count(r.response_working_days)::int as responded,
      percentile_cont(0.5) within group (order by r.response_working_days)::float8 as median,
      count(*) filter (where r.state in ('accepted', 'in_progress', 'closed', 'declined'))::int as decided,
      count(*) filter (where r.state in ('accepted', 'in_progress', 'closed'))::int as accepted
    from referrals r
    where r.service_id = ${serviceId}::uuid and r.state <> 'draft' and r.sent_at >= ${since}::timestamptz`);
  if (!row) return null;
  const usual = row.responded >= minimum && row.median !== null ? Math.ceil(row.median) : null;
  const share = row.decided >= minimum ? row.accepted / row.decided : null;
  if (usual === null && share === null) return null;
  return { usualResponseWorkingDays: usual, acceptedShare: share, decided: row.decided };
}
