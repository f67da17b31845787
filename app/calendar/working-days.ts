// Working days, defined once. Response times and overdue flags count working days (Monday to Friday, less the
// non-working days: Scottish bank holidays and the local holidays coordinators add), as services do.
//
// The non-working days live in the table non_working_days, because coordinators change them at runtime
// (docs/decisions/0024-working-days-and-holidays.md). These functions are pure: the server loads the dates with
// nonWorkingDates() (app/calendar/non-working-days.server.ts) and the browser receives them from its loader.
// PostgreSQL's working_days_between() reads the same table; test/integration/working-days-sql.test.ts checks that
// the two agree for every pair of days.

/** Weekdays that are not working days, as ISO dates (YYYY-MM-DD). Dates on a weekend change nothing. */
export type NonWorkingDates = readonly string[];

const DAY = 86_400_000;

// Lists are passed around as arrays (they cross the loader boundary as JSON); the set is built once per array.
const sets = new WeakMap<NonWorkingDates, ReadonlySet<string>>();
function asSet(dates: NonWorkingDates): ReadonlySet<string> {
  let set = sets.get(dates);
  if (!set) sets.set(dates, (set = new Set(dates)));
  return set;
}

function isWorkingDay(t: number, except: ReadonlySet<string>) {
  const d = new Date(t);
  const day = d.getUTCDay();
  return day !== 0 && day !== 6 && !except.has(d.toISOString().slice(0, 10));
}

function startOfUtcDay(d: Date) {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Whole working days that have passed since `from` (the day itself not counted), up to and including `now`'s day. */
export function workingDaysSince(from: Date, now: Date, nonWorking: NonWorkingDates): number {
  const except = asSet(nonWorking);
  let count = 0;
  const end = startOfUtcDay(now);
  for (let t = startOfUtcDay(from) + DAY; t <= end; t += DAY) {
    if (isWorkingDay(t, except)) count++;
  }
  return count;
}

/** The latest moment a referral could have been sent and still not be overdue now. */
export function overdueCutoff(now: Date, workingDays: number, nonWorking: NonWorkingDates): Date {
  // Overdue once more than `workingDays` working days have passed since the day it was sent: find the start of the
  // working day `workingDays + 1` working days back (counting today if it is one).
  const except = asSet(nonWorking);
  let t = startOfUtcDay(now);
  let counted = 0;
  while (counted < workingDays + 1) {
    if (isWorkingDay(t, except)) counted++;
    if (counted < workingDays + 1) t -= DAY;
  }
  // Anything sent before the start of that day has had more than `workingDays` working days.
  return new Date(t);
}

export function isOverdue(sentAt: Date | null, respondedAt: Date | null, now: Date, workingDays: number, nonWorking: NonWorkingDates): boolean {
  if (!sentAt || respondedAt) return false;
  return workingDaysSince(sentAt, now, nonWorking) > workingDays;
}

export function describeAge(sentAt: Date, now: Date, nonWorking: NonWorkingDates): string {
  const days = workingDaysSince(sentAt, now, nonWorking);
  if (days === 0) return "sent today";
  return `sent ${days} working day${days === 1 ? "" : "s"} ago`;
}
