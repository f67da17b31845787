// The referral form's service picker: the directory's own search (words understood the same way) narrowed to
// services that take referrals from professionals, with what a referrer needs to see before choosing one.
import { sql } from "drizzle-orm";
import { getDb } from "../db.server";
import { filterFields, type DirectoryFilters } from "./filters";
import { searchServices, servicesByIds } from "./search.server";
import type { Capacity } from "./taxonomy";

export const PICKER_PAGE_SIZE = 8;

export interface PickerFilters {
  q: string;
  need: string[];
  age: string;
  area: string;
  accepting: boolean;
}

export interface PickerService {
  id: string;
  name: string;
  organisationName: string;
  capacity: Capacity;
  typicalWaitWeeks: number | null;
  minAge: number | null;
  maxAge: number | null;
  areas: string[];
  eligibility: string | null;
}

export interface PickerResult {
  values: PickerFilters;
  errors: Partial<Record<keyof PickerFilters, string>>;
  candidates: PickerService[];
  total: number;
  chosen: PickerService[];
}

/**
 * The picker's filters from a query string or a posted form: `pick_q`, `pick_need`, `pick_age`, `pick_area`,
 * `pick_accepting`, or the directory's own `need` and `age` when a referrer arrives from a filtered directory.
 */
export function pickerFiltersFrom(
  get: (name: string) => string | null,
  getAll: (name: string) => string[],
): { values: PickerFilters; filters: DirectoryFilters; errors: PickerResult["errors"] } {
  const needs = getAll("pick_need").length > 0 || get("pick_need") !== null ? getAll("pick_need") : getAll("need");
  const values: PickerFilters = {
    q: get("pick_q") ?? "",
    need: needs.filter((n) => n !== ""),
    age: get("pick_age") ?? get("age") ?? "",
    area: get("pick_area") ?? "",
    accepting: ["on", "true", "1"].includes(get("pick_accepting") ?? ""),
  };
  const errors: PickerResult["errors"] = {};
  const field = <T>(
    name: keyof PickerFilters,
    schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } },
    raw: unknown,
  ): T | undefined => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    errors[name] = parsed.error.issues[0]?.message ?? "Check this filter";
    return undefined;
  };
  const filters: DirectoryFilters = {
    q: field("q", filterFields.q, values.q),
    need: field("need", filterFields.need, values.need) ?? [],
    age: field("age", filterFields.age, values.age),
    area: field("area", filterFields.area, values.area),
    accepting: values.accepting,
    referral: "professional",
  };
  return { values, filters, errors };
}

async function details(ids: string[]): Promise<Map<string, { areas: string[]; eligibility: string | null }>> {
  const result = new Map<string, { areas: string[]; eligibility: string | null }>();
  if (ids.length === 0) return result;
  const db = await getDb();
  const rows = (await db.execute(sql`
    select s.id, s.eligibility_criteria as eligibility,
      coalesce((select array_agg(sa.name order by sa.name) from service_areas sa where sa.service_id = s.id), '{}') as areas
    from services s where s.id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`)) as unknown as
    { id: string; eligibility: string | null; areas: string[] }[] | { rows: { id: string; eligibility: string | null; areas: string[] }[] };
  for (const r of Array.isArray(rows) ? rows : rows.rows) result.set(r.id, { areas: r.areas, eligibility: r.eligibility });
  return result;
}

/** Candidates for the picker (best match first, or by name) and the services already chosen, with their details. */
export async function findPickerServices(picked: ReturnType<typeof pickerFiltersFrom>, chosenIds: string[]): Promise<PickerResult> {
  const found = await searchServices({
    filters: picked.filters,
    place: null,
    sort: picked.filters.q ? "relevance" : "name",
    page: 1,
    pageSize: PICKER_PAGE_SIZE,
  });
  const chosen = await servicesByIds(chosenIds);
  const more = await details([...found.items.map((i) => i.id), ...chosen.map((c) => c.id)]);
  const shape = (s: {
    id: string;
    name: string;
    organisationName: string;
    capacity: Capacity;
    typicalWaitWeeks: number | null;
    minAge: number | null;
    maxAge: number | null;
  }): PickerService => ({
    id: s.id,
    name: s.name,
    organisationName: s.organisationName,
    capacity: s.capacity,
    typicalWaitWeeks: s.typicalWaitWeeks,
    minAge: s.minAge,
    maxAge: s.maxAge,
    areas: more.get(s.id)?.areas ?? [],
    eligibility: more.get(s.id)?.eligibility ?? null,
  });
  return { values: picked.values, errors: picked.errors, candidates: found.items.map(shape), total: found.total, chosen: chosen.map(shape) };
}
