// Searching the public directory: the list (paged, sorted) and the map (points or server-side clusters).
// Both are built from the same filter conditions, and every query is limited to published, visible
// services inside the SQL itself.
import { type SQL, sql } from "drizzle-orm";
import { getDb } from "../db.server";
import type { GeocodedPlace } from "../geo/geocoder";
import { findArea } from "../geo/areas.server";
import { type BoundingBox, type DirectoryFilters, type Sort } from "./filters";
import type { Capacity, ShanarriCode } from "./taxonomy";
export type { MapCluster, MapSpot, MapView } from "./map";
import { indexedListPage } from "./list-page.server";
import { type UnderstoodQuery, suggestQuery, understandQuery } from "./query-understanding.server";

const VISIBLE = sql`s.publication = 'published' and s.status <> 'inactive'`;

const MAX_ORGANISATION_IDS = 500;

/** The search words worked out, and the organisations whose names they match (a service matches by its organisation too). */
export type UnderstoodText = UnderstoodQuery & { organisationIds?: string[] };

/** The filters with the search words worked out (see query-understanding.server.ts). */
export type UnderstoodFilters = DirectoryFilters & { text?: UnderstoodText | null };

/** Works out the search words once per search; every query built from the result then agrees (list, count, map). */
export async function understandFilters<F extends DirectoryFilters>(filters: F): Promise<F & { text: UnderstoodText | null }> {
  if (!filters.q) return { ...filters, text: null };
  const text: UnderstoodText = await understandQuery(filters.q);
  // Organisations are few beside services: their matches are found first (GIN index on their names), so the services'
  // condition is one index-served test on the service's own words, or'ed with a short list of organisation ids,
  // instead of a union the planner can only answer by reading every service.
  const query = textQuery({ ...filters, text });
  if (query) {
    const matching = await rows<{ id: string }>(
      sql`select o.id from organisations o where to_tsvector('english', o.name) @@ ${query} limit ${MAX_ORGANISATION_IDS + 1}`,
    );
    // A word in thousands of organisations' names: the union below is the better plan then.
    if (matching.length <= MAX_ORGANISATION_IDS) text.organisationIds = matching.map((r) => r.id);
  }
  return { ...filters, text };
}

function textQuery(filters: UnderstoodFilters): SQL | null {
  if (!filters.q) return null;
  // Without the worked-out words (a caller that did not ask for them), the words as typed.
  if (filters.text === undefined) return sql`websearch_to_tsquery('english', ${filters.q.toLowerCase()})`;
  if (!filters.text?.tsquery) return sql`websearch_to_tsquery('english', ${filters.q.toLowerCase()})`;
  return sql`to_tsquery('english', ${filters.text.tsquery})`;
}

/** Conditions on the service row `s` for every filter except the map area and distance. */
export function serviceConditions(filters: UnderstoodFilters): SQL[] {
  const conditions: SQL[] = [VISIBLE];
  const query = textQuery(filters);
  if (query) {
    // One full-text query over the service's own words (GIN index) and its organisation's name. Category names are
    // left out: "Early years and play" would make every early-years service match "play" (the category is a filter).
    const organisationIds = filters.text?.organisationIds;
    if (organisationIds === undefined) {
      conditions.push(sql`s.id in (
        select id from services where search_document @@ ${query}
        union select sv.id from services sv join organisations o on o.id = sv.organisation_id
          where to_tsvector('english', o.name) @@ ${query}
      )`);
    } else if (organisationIds.length === 0) {
      conditions.push(sql`s.search_document @@ ${query}`);
    } else {
      conditions.push(
        sql`(s.search_document @@ ${query} or s.organisation_id in (${sql.join(
          organisationIds.map((id) => sql`${id}`),
          sql`, `,
        )}))`,
      );
    }
  }
  if (filters.need.length > 0) {
    conditions.push(sql`exists (
      select 1 from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
      where stt.service_id = s.id and tt.taxonomy = 'shanarri' and tt.code in (${sql.join(
        filters.need.map((n) => sql`${n}`),
        sql`, `,
      )})
    )`);
  }
  if (filters.category) {
    conditions.push(sql`exists (
      select 1 from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
      where stt.service_id = s.id and tt.taxonomy = 'category' and tt.code = ${filters.category}
    )`);
  }
  if (filters.age !== undefined) {
    conditions.push(sql`(s.min_age is null or s.min_age <= ${filters.age}) and (s.max_age is null or s.max_age >= ${filters.age})`);
  }
  if (filters.area) {
    const area = findArea(filters.area);
    const codes = area ? [area.code, area.councilCode] : [filters.area];
    conditions.push(sql`exists (
      select 1 from service_areas sa where sa.service_id = s.id and sa.code in (${sql.join(
        codes.map((c) => sql`${c}`),
        sql`, `,
      )})
    )`);
  }
  if (filters.referral === "self") conditions.push(sql`s.accepts_self_referrals`);
  if (filters.referral === "professional") conditions.push(sql`s.accepts_professional_referrals`);
  if (filters.accepting) conditions.push(sql`s.capacity <> 'not_accepting'`);
  return conditions;
}

export const inBox = ([west, south, east, north]: BoundingBox) => sql`l.latitude between ${south} and ${north} and l.longitude between ${west} and ${east}`;

export const and = (conditions: SQL[]) => sql.join(conditions, sql` and `);

export interface ServiceSearchItem {
  id: string;
  name: string;
  summary: string;
  organisationName: string;
  shanarri: ShanarriCode[];
  minAge: number | null;
  maxAge: number | null;
  capacity: Capacity;
  typicalWaitWeeks: number | null;
  status: "active" | "inactive" | "temporarily_closed";
  acceptsSelfReferrals: boolean;
  acceptsProfessionalReferrals: boolean;
  /** Metres to the nearest of the service's locations, when searching near a place. */
  distanceMetres: number | null;
  /** [latitude, longitude] of each location, so the map can highlight the service. */
  points: [number, number][];
}

export interface ServiceSearchOptions {
  filters: UnderstoodFilters;
  place: GeocodedPlace | null;
  bbox?: BoundingBox;
  sort: Sort;
  page: number;
  pageSize?: number;
}

export const SEARCH_PAGE_SIZE = 20;

function listConditions(filters: UnderstoodFilters, bbox: BoundingBox | undefined): SQL[] {
  const conditions = serviceConditions(filters);
  if (bbox) {
    conditions.push(sql`exists (
      select 1 from service_at_locations sal join locations l on l.id = sal.location_id
      where sal.service_id = s.id and ${inBox(bbox)}
    )`);
  }
  return conditions;
}

/**
 * Counting stops at COUNT_LIMIT: nobody pages through more, and an exact count of 100,000 rows on every page view
 * would cost more than the page itself.
 */
export const COUNT_LIMIT = 1000;

export function buildServiceCountQuery(filters: UnderstoodFilters, bbox: BoundingBox | undefined): SQL {
  return sql`select count(*) as total from (select 1 from services s where ${and(listConditions(filters, bbox))} limit ${COUNT_LIMIT + 1}) matching`;
}

/**
 * "Some word of the query is in the name (weight A) / the summary (B)": ts_rank with only that weight above zero.
 * When the query is alternatives only (one typed word with its corrections and synonyms, no AND, phrase or NOT),
 * that is exactly a match of the same query limited to the weight, which PostgreSQL checks without working out a
 * rank: at 10,000 matches, a third of the list query's time (issue 14). Otherwise ts_rank's own reading applies.
 */
function matchesInWeight(filters: UnderstoodFilters, query: SQL, weight: "A" | "B"): SQL {
  const tsquery = filters.text?.tsquery;
  if (tsquery && !/[&!<]/.test(tsquery)) return sql`s.search_document @@ to_tsquery('english', ${limitToWeight(tsquery, weight)})`;
  return sql`ts_rank(${weight === "A" ? "{0, 0, 0, 1}" : "{0, 0, 1, 0}"}, s.search_document, ${query}) > 0`;
}

/** `'grief' | 'bereavment':*` → `'grief':A | 'bereavment':*A`: every operand of a to_tsquery text limited to one weight. */
export function limitToWeight(tsquery: string, weight: "A" | "B"): string {
  return tsquery.replace(/'((?:[^']|'')*)'(:\*)?/g, (_, word: string, prefix: string | undefined) => `'${word}':${prefix ? "*" : ""}${weight}`);
}

export function buildServiceListQuery({ filters, place, bbox, sort, page, pageSize = SEARCH_PAGE_SIZE }: ServiceSearchOptions): SQL {
  const conditions = listConditions(filters, bbox);
  const distance = place
    ? sql`(select min(earth_distance(ll_to_earth(l.latitude, l.longitude), ll_to_earth(${place.latitude}, ${place.longitude})))
        from service_at_locations sal join locations l on l.id = sal.location_id where sal.service_id = s.id)`
    : sql`null::float8`;
  // Ranking costs a rank per matching row, so it is only worked out when it decides the order. Words as typed come
  // before corrected or widened ones; then a match in the name (weight A), then the summary (B), then the rest.
  const query = textQuery(filters);
  const exact = filters.text?.exactTsquery ? sql`to_tsquery('english', ${filters.text.exactTsquery})` : query;
  const rank =
    query && sort === "relevance"
      ? sql`(case when s.search_document @@ ${exact} then 4 else 0 end)
        + (case when ${matchesInWeight(filters, query, "A")} then 2 else 0 end)
        + (case when ${matchesInWeight(filters, query, "B")} then 1 else 0 end)
        + ts_rank(s.search_document, ${query})`
      : sql`0`;
  // Records nobody has checked for six months sink below current ones (they may be out of date).
  const staleLast = sql`(s.last_checked_on < current_date - interval '6 months')`;
  const order = {
    distance: sql`distance_metres asc nulls last, s.name, s.id`,
    relevance: sql`${staleLast}, rank desc, s.name, s.id`,
    name: sql`${staleLast}, s.name, s.id`,
    "recently-checked": sql`s.last_checked_on desc, s.name, s.id`,
  }[sort];
  return sql`
    select s.id, s.name, s.summary, o.name as organisation_name,
      array(select tt.code from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
            where stt.service_id = s.id and tt.taxonomy = 'shanarri' order by tt.code) as shanarri,
      s.min_age, s.max_age, s.capacity, s.typical_wait_weeks, s.status, s.accepts_self_referrals, s.accepts_professional_referrals,
      ${distance} as distance_metres, ${rank} as rank
    from services s join organisations o on o.id = s.organisation_id
    where ${and(conditions)}
    order by ${order}
    limit ${pageSize} offset ${(page - 1) * pageSize}`;
}

/**
 * Nearest first, walking the locations' GiST index outwards from the place (cube's `<->` distance) and stopping as
 * soon as enough services pass the filters, instead of measuring the distance to every service. A service with
 * several locations appears once per location in this walk; the caller keeps its nearest. (No tie-breaking second
 * sort key: it would stop PostgreSQL from reading the index in order.)
 */
export function buildNearestServicesQuery(filters: UnderstoodFilters, bbox: BoundingBox | undefined, place: GeocodedPlace, limit: number): SQL {
  const here = sql`ll_to_earth(${place.latitude}, ${place.longitude})`;
  return sql`
    select s.id, s.name, s.summary, o.name as organisation_name,
      array(select tt.code from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
            where stt.service_id = s.id and tt.taxonomy = 'shanarri' order by tt.code) as shanarri,
      s.min_age, s.max_age, s.capacity, s.typical_wait_weeks, s.status, s.accepts_self_referrals, s.accepts_professional_referrals,
      earth_distance(ll_to_earth(l.latitude, l.longitude), ${here}) as distance_metres
    from locations l
    join service_at_locations sal on sal.location_id = l.id
    join services s on s.id = sal.service_id
    join organisations o on o.id = s.organisation_id
    where ${and(listConditions(filters, bbox))}
    order by ll_to_earth(l.latitude, l.longitude) <-> ${here}
    limit ${limit}`;
}

async function nearestServices(options: ServiceSearchOptions & { place: GeocodedPlace }, page: number, pageSize: number): Promise<ListRow[]> {
  const wanted = page * pageSize;
  for (let limit = wanted * 2 + 10; ; limit *= 4) {
    const found = await rows<ListRow>(buildNearestServicesQuery(options.filters, options.bbox, options.place, limit));
    // Services at the same spot tie; order them by id so that pages are stable.
    found.sort((a, b) => Number(a.distance_metres) - Number(b.distance_metres) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const seen = new Set<string>();
    const unique = found.filter((r) => !seen.has(r.id) && seen.add(r.id));
    if (unique.length >= wanted || found.length < limit) return unique.slice((page - 1) * pageSize, wanted);
  }
}

interface ListRow extends Record<string, unknown> {
  id: string;
  name: string;
  summary: string;
  organisation_name: string;
  shanarri: ShanarriCode[];
  min_age: number | null;
  max_age: number | null;
  capacity: Capacity;
  typical_wait_weeks: number | null;
  status: ServiceSearchItem["status"];
  accepts_self_referrals: boolean;
  accepts_professional_referrals: boolean;
  distance_metres: number | string | null;
}

export async function rows<T>(query: SQL): Promise<T[]> {
  const db = await getDb();
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** A result row as the list shows it (the same shape wherever the row came from). */
function listItem(r: ListRow) {
  return {
    id: r.id,
    name: r.name,
    summary: r.summary,
    organisationName: r.organisation_name,
    shanarri: r.shanarri,
    minAge: r.min_age,
    maxAge: r.max_age,
    capacity: r.capacity,
    typicalWaitWeeks: r.typical_wait_weeks,
    status: r.status,
    acceptsSelfReferrals: r.accepts_self_referrals,
    acceptsProfessionalReferrals: r.accepts_professional_referrals,
  };
}

export async function searchServices(searchOptions: ServiceSearchOptions) {
  const options = {
    ...searchOptions,
    filters: searchOptions.filters.text === undefined ? await understandFilters(searchOptions.filters) : searchOptions.filters,
  };
  const pageSize = options.pageSize ?? SEARCH_PAGE_SIZE;
  // The default order and its count come from the in-memory directory index when it can answer (list-page.server.ts).
  const indexed = await indexedListPage(options.filters, options.bbox, options.sort);
  const { place } = options;
  const pageOf = (page: number) =>
    options.sort === "distance" && place
      ? nearestServices({ ...options, place }, page, pageSize)
      : indexed
        ? listRowsByIds(indexed.idsOnPage(page, pageSize))
        : rows<ListRow>(buildServiceListQuery({ ...options, page, pageSize }));
  // The count and the asked-for page at once (two connections on PostgreSQL); the page is asked again only in the
  // rare case that it lies past the end.
  const asked = indexed ? null : pageOf(options.page);
  asked?.catch(() => {}); // awaited below, or dropped if the count fails first
  const counted = indexed ? { total: indexed.total } : (await rows<{ total: number | string }>(buildServiceCountQuery(options.filters, options.bbox)))[0];
  const total = Math.min(Number(counted?.total ?? 0), COUNT_LIMIT + 1);
  const totalIsLowerBound = total > COUNT_LIMIT;
  const pageCount = Math.max(1, Math.ceil(Math.min(total, COUNT_LIMIT) / pageSize));
  // A page past the end (an old link, fewer results now) shows the last page rather than nothing.
  const page = Math.min(options.page, pageCount);
  const list = asked && page === options.page ? await asked : await pageOf(page);
  const points = await locationPoints(list.map((r) => r.id));
  const items: ServiceSearchItem[] = list.map((r) => ({
    ...listItem(r),
    distanceMetres: r.distance_metres === null ? null : Number(r.distance_metres),
    points: points.get(r.id) ?? [],
  }));
  return {
    items,
    total: Math.min(total, COUNT_LIMIT),
    totalIsLowerBound,
    page,
    pageCount,
    corrections: options.filters.text?.corrections ?? [],
    didYouMean: total === 0 && options.filters.q ? await suggestionWithResults(options.filters) : null,
  };
}

/** "Did you mean …": offered only if the suggested words find something with the same filters. */
async function suggestionWithResults(filters: UnderstoodFilters): Promise<string | null> {
  const suggestion = await suggestQuery(filters.q!);
  if (!suggestion) return null;
  const withSuggestion = await understandFilters({ ...filters, q: suggestion });
  const [counted] = await rows<{ total: number | string }>(buildServiceCountQuery(withSuggestion, undefined));
  return Number(counted?.total ?? 0) > 0 ? suggestion : null;
}

async function locationPoints(serviceIds: string[]): Promise<Map<string, [number, number][]>> {
  const result = new Map<string, [number, number][]>();
  if (serviceIds.length === 0) return result;
  const list = await rows<{ service_id: string; latitude: number; longitude: number }>(sql`
    select sal.service_id, l.latitude, l.longitude from service_at_locations sal join locations l on l.id = sal.location_id
    where sal.service_id in (${sql.join(
      serviceIds.map((id) => sql`${id}`),
      sql`, `,
    )})`);
  for (const r of list) {
    const entry = result.get(r.service_id) ?? [];
    entry.push([Number(r.latitude), Number(r.longitude)]);
    result.set(r.service_id, entry);
  }
  return result;
}

/** The area covering every matching location, for fitting the map to the results. */
export async function resultBounds(searchFilters: DirectoryFilters): Promise<BoundingBox | null> {
  const filters = await understandFilters(searchFilters);
  const [row] = await rows<{ west: number | null; south: number | null; east: number | null; north: number | null }>(sql`
    select min(l.longitude) as west, min(l.latitude) as south, max(l.longitude) as east, max(l.latitude) as north
    from services s join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
    where ${and(serviceConditions(filters))}`);
  if (!row || row.west === null) return null;
  return [Number(row.west), Number(row.south), Number(row.east), Number(row.north)];
}

// ---------------------------------------------------------------------------------------------------------------
// The map: one row per grid cell of about CELL_PIXELS on screen. A cell whose services all stand on one spot is
// sent as a point with its services; any other cell is a cluster with a count and the area it covers.

/** Published services by id, in the order given, for a shared shortlist. */
export async function servicesByIds(ids: string[]) {
  return (await listRowsByIds(ids)).map(listItem);
}

async function listRowsByIds(ids: string[]): Promise<ListRow[]> {
  if (ids.length === 0) return [];
  const list = await rows<ListRow>(sql`
    select s.id, s.name, s.summary, o.name as organisation_name,
      array(select tt.code from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
            where stt.service_id = s.id and tt.taxonomy = 'shanarri' order by tt.code) as shanarri,
      s.min_age, s.max_age, s.capacity, s.typical_wait_weeks, s.status, s.accepts_self_referrals, s.accepts_professional_referrals,
      null as distance_metres
    from services s join organisations o on o.id = s.organisation_id
    where ${VISIBLE} and s.id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`);
  const byId = new Map(list.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
}
