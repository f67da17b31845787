// Response times count working days (Monday to Friday), as services do. Bank holidays are not known to FORT yet.

function isWeekday(d: Date) {
  const day = d.getUTCDay();
  return day !== 0 && day !== 6;
}

function startOfUtcDay(d: Date) {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Whole working days that have passed since `from` (the day itself not counted). */
export function workingDaysSince(from: Date, now: Date): number {
  let count = 0;
  const end = startOfUtcDay(now);
  for (let t = startOfUtcDay(from) + 86_400_000; t <= end; t += 86_400_000) {
    if (isWeekday(new Date(t))) count++;
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
