// The endpoints of FORT's Open Referral UK 3.0 API (docs/decisions/0007). Each turns query parameters
// into a query and the rows into the standard's shapes; routes only call these.
import { z } from "zod";
import {
  allTerms,
  getOrganisation,
  getServiceAtLocation,
  listOrganisations,
  listServiceAtLocations,
  listServices,
  loadServiceTrees,
  publicServiceIdsOf,
  type Paging,
  type ServiceAtLocationFilters,
} from "./directory.server";
import { ApiError, NdjsonBody } from "./http.server";
import { isUuid, taxonomyId } from "./ids";
import {
  FORT_TAXONOMIES,
  ORUK_OPENAPI_URL,
  ORUK_PROFILE_URL,
  ORUK_VERSION,
  orukLocation,
  orukOrganization,
  orukService,
  orukServiceSummary,
  orukTaxonomy,
  orukTaxonomyTerm,
  type Json,
} from "./map";
import { lookUpPostcode, normalisePostcode } from "../geo/postcodes.server";
import { isReasonableDate } from "~/http/text";

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `${name} must be between ${min} and ${max}`);

const uuidParam = (name: string) => z.string().refine(isUuid, `${name} must be a UUID, like 3fa85f64-5717-4562-b3fc-2c963f66afa6`);

const booleanParam = (name: string) =>
  z.enum(["true", "false", "1", "0", ""], { message: `${name} must be true or false` }).transform((v) => v === "true" || v === "1");

const common = {
  page: wholeNumber("page", 1, 1_000_000).optional(),
  per_page: wholeNumber("per_page", 1, MAX_PER_PAGE).optional(),
  search: z.string().trim().max(200, "search must be 200 characters or fewer").optional(),
  format: z.enum(["json", "ndjson"], { message: "format must be json or ndjson" }).optional(),
};

const serviceFilters = {
  taxonomy_term_id: uuidParam("taxonomy_term_id").optional(),
  taxonomy_id: uuidParam("taxonomy_id").optional(),
  organization_id: uuidParam("organization_id").optional(),
  modified_after: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)) && isReasonableDate(v), {
      message: "modified_after must be a date and time such as 2025-01-31T00:00:00Z",
    })
    .transform((v) => new Date(v))
    .optional(),
  full: booleanParam("full").optional(),
  minimal: booleanParam("minimal").optional(),
};

function parse<T extends z.ZodRawShape>(url: URL, shape: T): z.infer<z.ZodObject<T>> {
  const values: Record<string, string> = {};
  for (const [key, value] of url.searchParams) if (key in shape) values[key] = value;
  const result = z.object(shape).safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ApiError(400, `${issue.message}${issue.path.length ? ` (got "${values[String(issue.path[0])]}")` : ""}.`);
  }
  return result.data;
}

function paging(query: { page?: number; per_page?: number }): Paging {
  return { page: query.page ?? 1, perPage: query.per_page ?? DEFAULT_PER_PAGE };
}

/** The standard's page envelope. */
export function page(contents: Json[], total: number, { page, perPage }: Paging) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

function requireId(id: string | undefined, what: string): string {
  if (!isUuid(id)) throw new ApiError(404, `There is no ${what} with the id "${id ?? ""}": ids are UUIDs.`);
  return id;
}

export async function apiDetails() {
  return { version: ORUK_VERSION, profile: ORUK_PROFILE_URL, openapi_url: ORUK_OPENAPI_URL };
}

function jsonOnly(query: { format?: string }, endpoint: string) {
  if (query.format === "ndjson") throw new ApiError(400, `format=ndjson is offered on /services only, not on ${endpoint}.`);
}

/** Every matching service, one per line, read a page at a time. */
async function* allServices(filters: Parameters<typeof listServices>[0], full: boolean) {
  for (let n = 1; ; n += 1) {
    const { rows } = await listServices(filters, { page: n, perPage: 500 });
    if (full)
      yield* (
        await loadServiceTrees(
          rows.map((r) => r.service.id),
          "public",
        )
      ).map((t) => orukService(t));
    else yield* rows.map((r) => orukServiceSummary(r.service, r.organisation));
    if (rows.length < 500) return;
  }
}

export async function services(url: URL) {
  const query = parse(url, { ...common, ...serviceFilters });
  const p = paging(query);
  const filters = {
    search: query.search || undefined,
    taxonomyTermId: query.taxonomy_term_id,
    taxonomyId: query.taxonomy_id,
    organizationId: query.organization_id,
    modifiedAfter: query.modified_after,
  };
  if (query.format === "ndjson") return new NdjsonBody(allServices(filters, query.full ?? false));
  const { total, rows } = await listServices(filters, p);
  if (query.full) {
    const trees = await loadServiceTrees(
      rows.map((r) => r.service.id),
      "public",
    );
    return page(
      trees.map((t) => orukService(t)),
      total,
      p,
    );
  }
  return page(
    rows.map((r) => orukServiceSummary(r.service, r.organisation)),
    total,
    p,
  );
}

export async function service(id: string | undefined) {
  const [tree] = await loadServiceTrees([requireId(id, "service")], "public");
  if (!tree) throw new ApiError(404, `There is no published service with the id "${id}".`);
  return orukService(tree);
}

function serviceAtLocationItem(row: Awaited<ReturnType<typeof getServiceAtLocation>> & {}) {
  return {
    id: row.id,
    service_id: row.service.id,
    location_id: row.location.id,
    location: orukLocation(row.location),
    service: orukServiceSummary(row.service, row.organisation),
  };
}

export async function serviceAtLocations(url: URL) {
  const query = parse(url, {
    ...common,
    ...serviceFilters,
    postcode: z.string().trim().max(10, "postcode must be a UK postcode such as DD1 4HN").optional(),
    proximity: z
      .string()
      .regex(/^\d+(\.\d+)?$/, "proximity must be a distance in metres, such as 2000")
      .transform(Number)
      .refine((m) => m > 0 && m <= 200_000, "proximity must be between 1 and 200000 metres")
      .optional(),
  });
  jsonOnly(query, "/service_at_locations");
  if (query.proximity !== undefined && !query.postcode) throw new ApiError(400, "proximity needs a postcode to measure from.");
  let near: ServiceAtLocationFilters["near"];
  if (query.postcode) {
    if (!normalisePostcode(query.postcode)) throw new ApiError(400, `postcode must be a UK postcode such as DD1 4HN (got "${query.postcode}").`);
    const point = lookUpPostcode(query.postcode);
    if (!point) throw new ApiError(400, `FORT does not know the postcode "${query.postcode}". Check it, or try its district (for example DD4).`);
    near = {
      latitude: point.latitude,
      longitude: point.longitude,
      metres: query.proximity,
      wardName: point.wardName,
      postcodeArea: point.postcode.match(/^[A-Z]+/)![0],
    };
  }
  const p = paging(query);
  const { total, rows } = await listServiceAtLocations(
    {
      search: query.search || undefined,
      taxonomyTermId: query.taxonomy_term_id,
      taxonomyId: query.taxonomy_id,
      organizationId: query.organization_id,
      modifiedAfter: query.modified_after,
      near,
    },
    p,
  );
  return page(rows.map(serviceAtLocationItem), total, p);
}

export async function serviceAtLocation(id: string | undefined) {
  const row = await getServiceAtLocation(requireId(id, "service at location"));
  if (!row) throw new ApiError(404, `There is no published service at location with the id "${id}".`);
  return serviceAtLocationItem(row);
}

export async function organizations(url: URL) {
  const query = parse(url, { ...common, full_service: booleanParam("full_service").optional(), full: booleanParam("full").optional() });
  jsonOnly(query, "/organizations");
  const p = paging(query);
  const { total, rows } = await listOrganisations({ search: query.search || undefined }, p);
  return page(
    rows.map((o) => orukOrganization(o, { full: query.full })),
    total,
    p,
  );
}

export async function organization(id: string | undefined, url: URL) {
  const query = parse(url, { full_service: booleanParam("full_service").optional() });
  const org = await getOrganisation(requireId(id, "organization"));
  if (!org) throw new ApiError(404, `There is no organization with published services and the id "${id}".`);
  const body: Json = orukOrganization(org, { full: true });
  if (query.full_service) {
    body.services = (await loadServiceTrees(await publicServiceIdsOf(org.id), "public")).map((t) => orukService(t));
  }
  return body;
}

export async function taxonomies(url: URL) {
  const query = parse(url, common);
  jsonOnly(query, "/taxonomies");
  const p = paging(query);
  const search = query.search?.toLowerCase();
  const matching = FORT_TAXONOMIES.filter((t) => !search || t.name.toLowerCase().includes(search));
  const slice = matching.slice((p.page - 1) * p.perPage, p.page * p.perPage);
  return page(
    slice.map((t) => orukTaxonomy(t.code)),
    matching.length,
    p,
  );
}

export async function taxonomy(id: string | undefined) {
  const match = FORT_TAXONOMIES.find((t) => taxonomyId(t.code) === id);
  if (!match) throw new ApiError(404, `There is no taxonomy with the id "${id ?? ""}".`);
  const terms = (await allTerms()).filter((t) => t.taxonomy === match.code);
  return orukTaxonomy(match.code, terms);
}

export async function taxonomyTerms(url: URL) {
  const query = parse(url, {
    ...common,
    taxonomy_id: uuidParam("taxonomy_id").optional(),
    parent_id: uuidParam("parent_id").optional(),
    top_only: booleanParam("top_only").optional(),
  });
  jsonOnly(query, "/taxonomy_terms");
  const p = paging(query);
  const search = query.search?.toLowerCase();
  const matching = (await allTerms()).filter(
    (t) =>
      (!query.taxonomy_id || taxonomyId(t.taxonomy) === query.taxonomy_id) &&
      // FORT's vocabularies are flat: no term has a parent.
      !query.parent_id &&
      (!search || t.name.toLowerCase().includes(search) || t.code.includes(search)),
  );
  const slice = matching.slice((p.page - 1) * p.perPage, p.page * p.perPage);
  return page(slice.map(orukTaxonomyTerm), matching.length, p);
}

export async function taxonomyTerm(id: string | undefined) {
  const term = (await allTerms()).find((t) => t.publishedId === id);
  if (!term) throw new ApiError(404, `There is no taxonomy term with the id "${id ?? ""}".`);
  return orukTaxonomyTerm(term);
}
