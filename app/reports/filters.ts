// The dashboard's filters: one schema for the GET form, the CSV links and the server.
import { z } from "zod";
import { SHANARRI_CODES } from "../directory/taxonomy";
import { EARLIEST_YEAR, LATEST_YEAR, isReasonableDate } from "../http/text";

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date like 2026-03-31")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "Enter a real date, like 2026-03-31")
  .refine(isReasonableDate, `Enter a date between ${EARLIEST_YEAR} and ${LATEST_YEAR}`);

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const reportFiltersSchema = z
  .object({
    from: optional(isoDate),
    to: optional(isoDate),
    organisation: optional(z.string().regex(UUID, "Choose an organisation from the list")),
    service: optional(z.string().regex(UUID, "Choose a service from the list")),
    ward: optional(z.string().regex(/^[A-Z]\d{8}$/, "Choose a ward from the list")),
    need: optional(z.enum(SHANARRI_CODES, { errorMap: () => ({ message: "Choose a wellbeing need from the list" }) })),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "The start date must be on or before the end date", path: ["to"] });

export type ReportFilterInput = z.infer<typeof reportFiltersSchema>;

export interface ReportFilters extends ReportFilterInput {
  from: string;
  to: string;
}

const FIELDS = ["from", "to", "organisation", "service", "ward", "need"] as const;

function isoDay(d: Date) {
  return d.toISOString().slice(0, 10);
}

/** The last twelve whole months up to today, when no dates are given. */
export function defaultRange(today: Date): { from: string; to: string } {
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 11, 1));
  return { from: isoDay(from), to: isoDay(today) };
}

export type ParsedFilters =
  { ok: true; filters: ReportFilters } | { ok: false; errors: Partial<Record<(typeof FIELDS)[number], string>>; values: Record<string, string> };

export function parseReportFilters(params: URLSearchParams, today: Date): ParsedFilters {
  const raw = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) ?? ""]));
  const result = reportFiltersSchema.safeParse(raw);
  if (!result.success) {
    const errors: Partial<Record<(typeof FIELDS)[number], string>> = {};
    for (const issue of result.error.issues) {
      const key = issue.path[0] as (typeof FIELDS)[number];
      errors[key] ??= issue.message;
    }
    return { ok: false, errors, values: raw };
  }
  const range = defaultRange(today);
  return { ok: true, filters: { ...result.data, from: result.data.from ?? range.from, to: result.data.to ?? range.to } };
}

/** The query string that reproduces these filters (for CSV links). */
export function filtersQuery(filters: Partial<ReportFilters>): string {
  const params = new URLSearchParams();
  for (const k of FIELDS) if (filters[k]) params.set(k, String(filters[k]));
  return params.toString();
}

/** First day of each month the range touches, as YYYY-MM. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const endY = Number(to.slice(0, 4));
  const endM = Number(to.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    months.push(`${y}-${String(m).padStart(2, "0")}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
    if (months.length > 240) break;
  }
  return months;
}
