import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { taxonomyId, taxonomyTermId } from "~/openreferral/ids";
import { oruk, orukJson } from "../support/oruk-client";
import { responseSchemas, schemaErrors } from "../support/oruk-schemas";

// Small pages so the seeded directory spans several of them, as a real feed would.
const PER_PAGE = 10;

/** Every value in a response: nothing may be null, and no optional text may be empty. */
function emptyValues(value: unknown, at = ""): string[] {
  if (value === null) return [at];
  if (Array.isArray(value)) return value.length === 0 ? [at] : value.flatMap((v, i) => emptyValues(v, `${at}/${i}`));
  if (typeof value === "object") return Object.entries(value as object).flatMap(([k, v]) => emptyValues(v, `${at}/${k}`));
  if (typeof value === "string" && value.trim() === "" && !at.endsWith("/description")) return [at];
  return [];
}

/**
 * What the ORUK validator does for a list endpoint: page 1, the middle page and the last page against the
 * list schema, then up to ten ids from them against the item schema.
 */
async function validateLikeOrukValidator(listPath: string, itemPath: string, query = "") {
  const schemas = responseSchemas();
  const listUrl = `/api/oruk${listPath}?per_page=${PER_PAGE}${query}`;
  const first = await orukJson(`${listUrl}&page=1`);
  const pages = [1, Math.ceil(first.total_pages / 2), first.total_pages];
  const ids: string[] = [];
  for (const n of pages) {
    const body = await orukJson(`${listUrl}&page=${n}`);
    expect(schemaErrors(schemas[listPath]!, body), `${listPath} page ${n}`).toEqual([]);
    expect(emptyValues(body), `${listPath} page ${n} has empty values`).toEqual([]);
    expect(body.page_number).toBe(n);
    expect(body.size).toBe(body.contents.length);
    ids.push(...body.contents.map((c: { id: string }) => c.id));
  }
  for (const id of ids.slice(0, 10)) {
    const item = await orukJson(`/api/oruk${itemPath.replace("{id}", id)}`);
    expect(schemaErrors(schemas[itemPath]!, item), `${itemPath} ${id}`).toEqual([]);
    expect(emptyValues(item), `${itemPath} ${id} has empty values`).toEqual([]);
    expect(item.id).toBe(id);
  }
  return { first, ids };
}

describe("the Open Referral UK 3.0 API", () => {
  it("describes itself at GET / so the ORUK validator picks the 3.0 profile", async () => {
    const body = await orukJson("/api/oruk");
    expect(schemaErrors("api_details.json", body)).toEqual([]);
    expect(body.version).toBe("HSDS-UK-3.0");
  });

  it("serves /services and /services/{id} that validate against the official schemas, over several pages", async () => {
    const { first } = await validateLikeOrukValidator("/services", "/services/{id}");
    expect(first.total_pages).toBeGreaterThanOrEqual(4);
    expect(first.first_page).toBe(true);
    const last = await orukJson(`/api/oruk/services?per_page=${PER_PAGE}&page=${first.total_pages}`);
    expect(last.last_page).toBe(true);
    expect(last.size).toBe(first.total_items - PER_PAGE * (first.total_pages - 1));
  });

  it("serves fully nested services with locations, schedules, contacts and SHANARRI terms", async () => {
    const list = await orukJson("/api/oruk/services?per_page=1");
    const service = await orukJson(`/api/oruk/services/${list.contents[0].id}`);
    expect(service.service_at_locations[0].location.addresses[0].postal_code).toMatch(/^DD\d+ \d[A-Z]{2}$/);
    expect(service.contacts.length).toBeGreaterThan(0);
    expect(service.organization.id).toBe(service.organization_id);
    const taxonomies = service.attributes.map((a: { taxonomy_term: { taxonomy_id: string } }) => a.taxonomy_term.taxonomy_id);
    expect(taxonomies).toContain(taxonomyId("shanarri"));
    // FORT-only fields stay out of the public API.
    expect(service.x_fort).toBeUndefined();
  });

  it("validates every optional endpoint the same way", async () => {
    await validateLikeOrukValidator("/service_at_locations", "/service_at_locations/{id}");
    await validateLikeOrukValidator("/organizations", "/organizations/{id}");
    await validateLikeOrukValidator("/taxonomy_terms", "/taxonomy_terms/{id}");
    const taxonomies = await validateLikeOrukValidator("/taxonomies", "/taxonomies/{id}");
    expect(taxonomies.first.contents.map((t: { name: string }) => t.name)).toContain("SHANARRI wellbeing indicators");
    const shanarri = await orukJson(`/api/oruk/taxonomies/${taxonomyId("shanarri")}`);
    expect(shanarri.taxonomy_terms.map((t: { name: string }) => t.name)).toEqual([
      "Safe",
      "Healthy",
      "Achieving",
      "Nurtured",
      "Active",
      "Respected",
      "Responsible",
      "Included",
    ]);
  });

  it("validates a nested organisation with its full services", async () => {
    const list = await orukJson("/api/oruk/organizations?per_page=1");
    const org = await orukJson(`/api/oruk/organizations/${list.contents[0].id}?full_service=true`);
    expect(schemaErrors("organization.json", org)).toEqual([]);
    expect(org.services.length).toBeGreaterThan(0);
    for (const service of org.services) expect(schemaErrors("service.json", service)).toEqual([]);
  });

  it("publishes only published services that are not inactive", async () => {
    const db = await getDb();
    const hidden = await db
      .select({ id: s.services.id, organisationId: s.services.organisationId })
      .from(s.services)
      .where(sql`${s.services.publication} <> 'published' or ${s.services.status} = 'inactive'`);
    expect(hidden.length).toBeGreaterThan(0);
    const all = await orukJson("/api/oruk/services?per_page=1000");
    const listed = new Set(all.contents.map((c: { id: string }) => c.id));
    for (const h of hidden) {
      expect(listed.has(h.id)).toBe(false);
      expect((await oruk(`/api/oruk/services/${h.id}`)).status).toBe(404);
    }
    const [visible] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(s.services)
      .where(sql`${s.services.publication} = 'published' and ${s.services.status} <> 'inactive'`);
    expect(all.total_items).toBe(visible!.n);
  });

  it("filters services by taxonomy term, taxonomy, organisation, text and modification date", async () => {
    const safe = await orukJson(`/api/oruk/services?per_page=1000&taxonomy_term_id=${taxonomyTermId("shanarri", "safe")}`);
    const all = await orukJson("/api/oruk/services?per_page=1000");
    expect(safe.total_items).toBeGreaterThan(0);
    expect(safe.total_items).toBeLessThan(all.total_items);
    for (const item of safe.contents.slice(0, 5)) {
      const full = await orukJson(`/api/oruk/services/${item.id}`);
      expect(full.attributes.map((a: { taxonomy_term: { term: string } }) => a.taxonomy_term.term)).toContain("safe");
    }
    const withShanarri = await orukJson(`/api/oruk/services?per_page=1000&taxonomy_id=${taxonomyId("shanarri")}`);
    expect(withShanarri.total_items).toBe(all.total_items);

    const orgId = all.contents[0].organization_id;
    const ofOrg = await orukJson(`/api/oruk/services?per_page=1000&organization_id=${orgId}`);
    expect(ofOrg.total_items).toBeGreaterThan(0);
    expect(ofOrg.contents.every((c: { organization_id: string }) => c.organization_id === orgId)).toBe(true);

    const name = all.contents[3].name as string;
    const found = await orukJson(`/api/oruk/services?search=${encodeURIComponent(name.slice(0, 12))}`);
    expect(found.contents.map((c: { name: string }) => c.name)).toContain(name);

    const db = await getDb();
    await db
      .update(s.services)
      .set({ updatedAt: new Date("2031-01-02T03:04:05Z") })
      .where(eq(s.services.id, all.contents[0].id));
    const recent = await orukJson("/api/oruk/services?modified_after=2031-01-01T00:00:00Z");
    expect(recent.contents.map((c: { id: string }) => c.id)).toEqual([all.contents[0].id]);
    expect(recent.contents[0].last_modified).toBe("2031-01-02T03:04:05.000Z");
  });

  it("finds services at locations near a postcode", async () => {
    const near = await orukJson("/api/oruk/service_at_locations?postcode=DD1%201AA&proximity=1500&per_page=1000");
    const everywhere = await orukJson("/api/oruk/service_at_locations?per_page=1000");
    expect(near.total_items).toBeGreaterThan(0);
    expect(near.total_items).toBeLessThan(everywhere.total_items);
    const covered = await orukJson("/api/oruk/service_at_locations?postcode=dd11aa&per_page=1000");
    expect(covered.total_items).toBeGreaterThan(0);
    expect(schemaErrors("service_at_location_list.json", near)).toEqual([]);
  });

  it("refuses bad query parameters with a 400 and a sentence saying what is wrong", async () => {
    const cases: [string, RegExp][] = [
      ["/services?page=0", /page must be between 1/],
      ["/services?page=abc", /page must be a whole number/],
      ["/services?per_page=100000", /per_page must be between 1 and 1000/],
      ["/services?taxonomy_term_id=safe", /taxonomy_term_id must be a UUID/],
      ["/services?organization_id=123", /organization_id must be a UUID/],
      ["/services?modified_after=yesterday", /modified_after must be a date and time/],
      ["/services?format=xml", /format must be json or ndjson/],
      ["/organizations?format=ndjson", /format=ndjson is offered on \/services only/],
      ["/service_at_locations?postcode=NOT A CODE", /postcode must be a UK postcode/],
      ["/service_at_locations?postcode=ZZ99%209ZZ", /does not know the postcode/],
      ["/service_at_locations?postcode=DD1%201AA&proximity=far", /proximity must be a distance in metres/],
      ["/service_at_locations?proximity=500", /proximity needs a postcode/],
    ];
    for (const [path, message] of cases) {
      const response = await oruk(`/api/oruk${path}`);
      expect(response.status, path).toBe(400);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      const body = await response.json();
      expect(body.message, path).toMatch(message);
    }
  });

  it("streams every service as newline-delimited JSON with format=ndjson, each line a valid service", async () => {
    const response = await oruk("/api/oruk/services?format=ndjson&full=true");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const all = await orukJson("/api/oruk/services?per_page=1000");
    expect(lines.map((l) => l.id)).toEqual(all.contents.map((c: { id: string }) => c.id));
    for (const line of lines.slice(0, 10)) expect(schemaErrors("service.json", line)).toEqual([]);
  });

  it("answers a page past the end with an empty page, and HEAD without a body", async () => {
    const beyond = await orukJson("/api/oruk/services?page=999&per_page=10");
    expect(beyond).toMatchObject({ size: 0, empty: true, contents: [], last_page: true, first_page: false });
    const head = await oruk("/api/oruk/services", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("ETag")).toMatch(/^(W\/)?"[^"]+"$/);
    expect(await head.text()).toBe("");
  });

  it("answers unknown ids and paths with a JSON 404", async () => {
    for (const path of ["/services/00000000-0000-4000-8000-000000000000", "/services/not-a-uuid", "/organizations/nope", "/taxonomies/x", "/nothing-here"]) {
      const response = await oruk(`/api/oruk${path}`);
      expect(response.status, path).toBe(404);
      expect((await response.json()).message, path).toMatch(/^There is no .+\.$|is not part of FORT.s Open Referral API/);
    }
  });

  it("is open to any origin, including a CORS preflight, and read-only", async () => {
    const response = await oruk("/api/oruk/services", { headers: { Origin: "https://directory.example.gov.uk" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const preflight = await oruk("/api/oruk/services", {
      method: "OPTIONS",
      headers: { Origin: "https://directory.example.gov.uk", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(preflight.headers.get("Access-Control-Allow-Methods")).toContain("GET");
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toBe("if-none-match");
    const post = await oruk("/api/oruk/services", { method: "POST", headers: { Origin: "http://localhost:3000" } });
    expect(post.status).toBe(405);
  });

  it("sends an ETag and answers 304 Not Modified until the data changes", async () => {
    const first = await oruk("/api/oruk/services?per_page=5");
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get("Cache-Control")).toContain("max-age");
    const again = await oruk("/api/oruk/services?per_page=5", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const body = await first.json();
    const db = await getDb();
    await db.update(s.services).set({ name: "Renamed for the ETag test" }).where(eq(s.services.id, body.contents[0].id));
    const changed = await oruk("/api/oruk/services?per_page=5", { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("ETag")).not.toBe(etag);
  });
});
