// Working days, defined once. Response times and overdue flags count working days (Monday to Friday, less the
// dates below), as services do. This file is the only definition: the browser and server use it directly, and
// PostgreSQL's working_days_between() (used by the reports' stored columns) is generated from it by
// workingDaysBetweenSql(); test/unit/working-days.test.ts fails until the migration installing it matches.
//
// To add bank holidays: add the dates here, run `npm run db:working-days` (writes a new custom migration that
// replaces the function and recomputes the stored columns), and commit both.

/** Weekdays that are not working days (bank holidays), as ISO dates. None yet. */
export const NON_WORKING_DATES: readonly string[] = [];

const nonWorking: ReadonlySet<string> = new Set(NON_WORKING_DATES);

function isWeekday(d: Date, except: ReadonlySet<string> = nonWorking) {
  const day = d.getUTCDay();
  return day !== 0 && day !== 6 && !except.has(d.toISOString().slice(0, 10));
}

function startOfUtcDay(d: Date) {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Whole working days that have passed since `from` (the day itself not counted). */
export function workingDaysSince(from: Date, now: Date, nonWorkingDates?: readonly string[]): number {
  const except = nonWorkingDates ? new Set(nonWorkingDates) : nonWorking;
  let count = 0;
  const end = startOfUtcDay(now);
  for (let t = startOfUtcDay(from) + 86_400_000; t <= end; t += 86_400_000) {
    if (isWeekday(new Date(t), except)) count++;
  }
  return count;
}

/** The latest moment a referral could have been sent and still not be overdue now. */
export function overdueCutoff(now: Date, workingDays: number): Date {
  // Overdue once more than `workingDays` working days have passed since the day it was sent.
  let t = startOfUtcDay(now);
  let counted = 0;
  while (counted < workingDays + 1) {
    if (isWeekday(new Date(t))) counted++;
    if (counted < workingDays + 1) t -= 86_400_000;
  }
  // Anything sent before the start of that day has had more than `workingDays` working days.
  return new Date(t);
}

export function isOverdue(sentAt: Date | null, respondedAt: Date | null, now: Date, workingDays: number): boolean {
  if (!sentAt || respondedAt) return false;
  return workingDaysSince(sentAt, now) > workingDays;
}

export function describeAge(sentAt: Date, now: Date): string {
  const days = workingDaysSince(sentAt, now);
  if (days === 0) return "sent today";
  return `sent ${days} working day${days === 1 ? "" : "s"} ago`;
}

/**
 * The SQL of working_days_between(from_at, to_at): the working days after the day of from_at up to and including the
 * day of to_at, in UTC — workingDaysSince() in closed form, so reports can aggregate it over many rows.
 * 1970-01-05 was a Monday.
 */
export function workingDaysBetweenSql(nonWorkingDates: readonly string[] = NON_WORKING_DATES): string {
  const weekdaysUpTo = (at: string) =>
    `(5 * (((${at} AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) / 7) + least(((${at} AT TIME ZONE 'UTC')::date - date '1970-01-05' + 1) % 7, 5))`;
  const dates = [...nonWorkingDates].sort();
  for (const d of dates) if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`Not an ISO date: ${d}`);
  const holidays = dates.length
    ? `\n    - (SELECT count(*)::int FROM unnest(ARRAY[${dates.map((d) => `'${d}'`).join(", ")}]::date[]) AS h(day)
       WHERE h.day > (from_at AT TIME ZONE 'UTC')::date AND h.day <= (to_at AT TIME ZONE 'UTC')::date AND extract(isodow FROM h.day) < 6)`
    : "";
  return `CREATE OR REPLACE FUNCTION "working_days_between"(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ${weekdaysUpTo("to_at")} - ${weekdaysUpTo("from_at")}${holidays}
$$;`;
}

/**
 * The migration that installs the function and, when the dates changed, recomputes the stored columns using it
 * (a stored generated column is recomputed whenever its row is updated).
 */
export function workingDaysMigrationSql(nonWorkingDates: readonly string[] = NON_WORKING_DATES, options: { recompute: boolean } = { recompute: true }): string {
  const recompute = `\n--> statement-breakpoint\nUPDATE "referrals" SET "sent_at" = "sent_at" WHERE "sent_at" IS NOT NULL;`;
  return `-- Generated from app/calendar/working-days.ts by \`npm run db:working-days\`: do not edit by hand.
${workingDaysBetweenSql(nonWorkingDates)}${options.recompute ? recompute : ""}
`;
}
