// Plain-language formatting shared by server-rendered pages and the browser.
import { CAPACITY_LABELS, type Capacity } from "./taxonomy";

export function formatAgeRange(minAge: number | null, maxAge: number | null): string {
  if (minAge === null && maxAge === null) return "All ages";
  if (minAge === null || minAge === 0) return maxAge === null ? "All ages" : `Up to ${maxAge} years`;
  if (maxAge === null) return `${minAge} years and over`;
  return `${minAge} to ${maxAge} years`;
}

export function formatCapacity(capacity: Capacity, typicalWaitWeeks: number | null): string {
  if (capacity === "waiting_list" && typicalWaitWeeks) {
    return `${CAPACITY_LABELS.waiting_list}: about ${typicalWaitWeeks} week${typicalWaitWeeks === 1 ? "" : "s"}`;
  }
  return CAPACITY_LABELS[capacity];
}

const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

export function formatDate(isoDate: string): string {
  return DATE.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export function formatTime(hhmmss: string): string {
  const [h, m] = hhmmss.split(":");
  return `${Number(h)}:${m}`;
}
