// The directory's filters: one schema for the search form (browser), the list page and the map endpoint (server).
// Every filter lives in the URL so a search can be bookmarked and shared.
import { z } from "zod";
import { CATEGORY_CODES, SHANARRI_CODES } from "./taxonomy";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

export const SORTS = ["relevance", "distance", "name", "recently-checked"] as const;
export type Sort = (typeof SORTS)[number];
export const SORT_LABELS: Record<Sort, string> = {
  relevance: "Best match",
  distance: "Nearest first",
  name: "Name (A to Z)",
  "recently-checked": "Most recently checked",
};

export const VIEWS = ["list", "map"] as const;
export type View = (typeof VIEWS)[number];

export const REFERRAL_ROUTES = ["self", "professional"] as const;
export type ReferralRoute = (typeof REFERRAL_ROUTES)[number];

/** West, south, east, north in decimal degrees. */
export type BoundingBox = [west: number, south: number, east: number, north: number];

export const bboxSchema = z.string({ required_error: "Give the map area as bbox=west,south,east,north" }).transform((value, ctx) => {
  const parts = value.split(",").map((p) => Number(p.trim()));
  const [west, south, east, north] = parts as BoundingBox;
  const ok =
    parts.length === 4 && parts.every((n) => Number.isFinite(n)) && west >= -180 && east <= 180 && south >= -90 && north <= 90 && west < east && south < north;
  if (!ok) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: "The map area must be four numbers, west,south,east,north, in degrees, with west < east and south < north",
    });
    return z.NEVER;
  }
  return [west, south, east, north] as BoundingBox;
});

export const filterFields = {
  q: optional(z.string().trim().max(200, "Search words must be 200 characters or fewer")),
  need: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v.filter((x) => x !== "") : v === "" ? [] : [v]),
    z.array(z.enum(SHANARRI_CODES, { errorMap: () => ({ message: "Choose needs from the list of wellbeing indicators" }) })).max(8),
  ),
  category: optional(z.enum(CATEGORY_CODES, { errorMap: () => ({ message: "Choose a kind of support from the list" }) })),
  age: optional(
    z.coerce
      .number({ invalid_type_error: "Enter the child's age as a whole number of years, like 3" })
      .int("Enter the child's age as a whole number of years, like 3")
      .min(0, "Enter an age from 0 to 25")
      .max(25, "Enter an age from 0 to 25"),
  ),
  area: optional(z.string().regex(/^[A-Z]\d{8}$/, "Choose an area from the list")),
  referral: optional(z.enum(REFERRAL_ROUTES, { errorMap: () => ({ message: "Choose how you want to be referred" }) })),
  accepting: z.preprocess((v) => v === "on" || v === "true" || v === "1" || v === "yes", z.boolean()),
  near: optional(z.string().trim().max(100, "Enter a postcode or place name of 100 characters or fewer")),
};

export const directorySearchSchema = z.object({
  ...filterFields,
  sort: optional(z.enum(SORTS, { errorMap: () => ({ message: "Choose a sort order from the list" }) })),
  page: optional(z.coerce.number().int().min(1).max(10_000)).catch(undefined),
  bbox: optional(bboxSchema),
  /** What a narrow screen shows first: the list, or the map (one tap away). Wide screens show both. */
  view: optional(z.enum(VIEWS)).catch(undefined),
});

export type DirectorySearch = z.infer<typeof directorySearchSchema>;
export type DirectoryFilters = Pick<DirectorySearch, keyof typeof filterFields>;

export const mapQuerySchema = z
  .object({
    ...filterFields,
    bbox: bboxSchema,
    zoom: z.preprocess(
      (v) => (v === undefined || v === "" ? undefined : Number(v)),
      z
        .number({ required_error: "Give the map zoom as zoom=0 to 20", invalid_type_error: "The map zoom must be a whole number from 0 to 20" })
        .int("The map zoom must be a whole number from 0 to 20")
        .min(0, "The map zoom must be a whole number from 0 to 20")
        .max(20, "The map zoom must be a whole number from 0 to 20"),
    ),
  })
  .strict();

export type MapQuery = z.infer<typeof mapQuerySchema>;

/** URLSearchParams as a plain object, with `need` always collected as a list. */
export function searchParamsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    result[key] = key === "need" ? values : values[values.length - 1]!;
  }
  return result;
}

/** The query string for a search, leaving out empty values so URLs stay short and readable. */
export function toSearchParams(search: Partial<DirectorySearch>): URLSearchParams {
  const params = new URLSearchParams();
  if (search.q) params.set("q", search.q);
  for (const need of search.need ?? []) params.append("need", need);
  if (search.category) params.set("category", search.category);
  if (search.age !== undefined) params.set("age", String(search.age));
  if (search.area) params.set("area", search.area);
  if (search.referral) params.set("referral", search.referral);
  if (search.accepting) params.set("accepting", "on");
  if (search.near) params.set("near", search.near);
  if (search.sort) params.set("sort", search.sort);
  if (search.bbox) params.set("bbox", search.bbox.map((n) => Number(n.toFixed(5))).join(","));
  if (search.page && search.page > 1) params.set("page", String(search.page));
  if (search.view === "map") params.set("view", "map");
  return params;
}

/** The sort in effect: the one asked for if it makes sense, else nearest (with a place), best match (with words), else name. */
export function effectiveSort(search: Pick<DirectorySearch, "sort" | "q">, hasPlace: boolean): Sort {
  if (search.sort === "distance" && !hasPlace) return search.q ? "relevance" : "name";
  if (search.sort === "relevance" && !search.q) return hasPlace ? "distance" : "name";
  if (search.sort) return search.sort;
  return hasPlace ? "distance" : search.q ? "relevance" : "name";
}

export function formatDistance(metres: number): string {
  if (metres < 100) return "0.1 km";
  if (metres < 100_000) return `${(metres / 1000).toFixed(1)} km`;
  return `${Math.round(metres / 1000)} km`;
}
