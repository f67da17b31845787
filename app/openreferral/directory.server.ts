// Reads the directory for the Open Referral API and for exports. The public API only ever sees
// published services that are not inactive: that condition is part of every query below.
import { and, asc, count, eq, gte, ilike, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import * as s from "../../db/schema";
import { getDb } from "../db.server";
import { taxonomyId, taxonomyTermId } from "./ids";
import type { LocationRow, OrganisationRow, ServiceRow, ServiceTree, TermRow } from "./map";
import { FORT_TAXONOMIES } from "./map";

export type Scope = "public" | "all";

const publiclyVisible = and(eq(s.services.publication, "published"), ne(s.services.status, "inactive"))!;
const inScope = (scope: Scope) => (scope === "public" ? publiclyVisible : sql`true`);

export const serviceColumns = {
  id: s.services.id,
  organisationId: s.services.organisationId,
  name: s.services.name,
  summary: s.services.summary,
  description: s.services.description,
  url: s.services.url,
  email: s.services.email,
  phone: s.services.phone,
  status: s.services.status,
  publication: s.services.publication,
  minAge: s.services.minAge,
  maxAge: s.services.maxAge,
  eligibilityCriteria: s.services.eligibilityCriteria,
  acceptsProfessionalReferrals: s.services.acceptsProfessionalReferrals,
  acceptsSelfReferrals: s.services.acceptsSelfReferrals,
  capacity: s.services.capacity,
  typicalWaitWeeks: s.services.typicalWaitWeeks,
  isFree: s.services.isFree,
  costDescription: s.services.costDescription,
  lastCheckedOn: s.services.lastCheckedOn,
  source: s.services.source,
  updatedAt: s.services.updatedAt,
};

export const organisationColumns = {
  id: s.organisations.id,
  name: s.organisations.name,
  description: s.organisations.description,
  website: s.organisations.website,
  email: s.organisations.email,
  phone: s.organisations.phone,
  charityNumber: s.organisations.charityNumber,
};

export const locationColumns = {
  id: s.locations.id,
  name: s.locations.name,
  description: s.locations.description,
  address1: s.locations.address1,
  city: s.locations.city,
  postcode: s.locations.postcode,
  latitude: s.locations.latitude,
  longitude: s.locations.longitude,
  wardCode: s.locations.wardCode,
  wardName: s.locations.wardName,
  accessibility: s.locations.accessibility,
};

export interface Paging {
  page: number;
  perPage: number;
}

export interface ServiceFilters {
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  modifiedAfter?: Date;
}

function likePattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** FORT's terms with their published ids (there are only a few dozen). */
export async function allTerms(): Promise<(TermRow & { localId: string; publishedId: string })[]> {
  const db = await getDb();
  const rows = await db
    .select({
      localId: s.taxonomyTerms.id,
      taxonomy: s.taxonomyTerms.taxonomy,
      code: s.taxonomyTerms.code,
      name: s.taxonomyTerms.name,
      description: s.taxonomyTerms.description,
    })
    .from(s.taxonomyTerms)
    .orderBy(asc(s.taxonomyTerms.taxonomy), asc(s.taxonomyTerms.code));
  const order = (t: string) => FORT_TAXONOMIES.findIndex((x) => x.code === t);
  const codeOrder = (t: string, c: string) => FORT_TAXONOMIES.find((x) => x.code === t)?.terms.findIndex((x) => x.code === c) ?? 0;
  return rows
    .map((r) => ({ ...r, publishedId: taxonomyTermId(r.taxonomy, r.code) }))
    .sort((a, b) => order(a.taxonomy) - order(b.taxonomy) || codeOrder(a.taxonomy, a.code) - codeOrder(b.taxonomy, b.code));
}

async function serviceConditions(filters: ServiceFilters): Promise<SQL[] | null> {
  const conditions: SQL[] = [];
  if (filters.search) {
    const pattern = likePattern(filters.search);
    conditions.push(
      or(ilike(s.services.name, pattern), ilike(s.services.summary, pattern), ilike(s.services.description, pattern), ilike(s.organisations.name, pattern))!,
    );
  }
  if (filters.organizationId) conditions.push(eq(s.services.organisationId, filters.organizationId));
  if (filters.modifiedAfter) conditions.push(gte(s.services.updatedAt, filters.modifiedAfter));
  if (filters.taxonomyTermId || filters.taxonomyId) {
    const terms = await allTerms();
    if (filters.taxonomyTermId) {
      const term = terms.find((t) => t.publishedId === filters.taxonomyTermId);
      if (!term) return null;
      conditions.push(
        sql`exists (select 1 from ${s.serviceTaxonomyTerms} stt where stt.service_id = ${s.services.id} and stt.taxonomy_term_id = ${term.localId})`,
      );
    }
    if (filters.taxonomyId) {
      const taxonomy = FORT_TAXONOMIES.find((t) => taxonomyId(t.code) === filters.taxonomyId);
      if (!taxonomy) return null;
      conditions.push(
        sql`exists (select 1 from ${s.serviceTaxonomyTerms} stt join ${s.taxonomyTerms} tt on tt.id = stt.taxonomy_term_id
          where stt.service_id = ${s.services.id} and tt.taxonomy = ${taxonomy.code})`,
      );
    }
  }
  return conditions;
}

export async function listServices(filters: ServiceFilters, { page, perPage }: Paging) {
  const conditions = await serviceConditions(filters);
  if (!conditions) return { total: 0, rows: [] };
  const db = await getDb();
  const where = and(publiclyVisible, ...conditions);
  const [totals] = await db
    .select({ total: count() })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(where);
  const rows = await db
    .select({ service: serviceColumns, organisation: organisationColumns })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(where)
    .orderBy(asc(s.services.name), asc(s.services.id))
    .limit(perPage)
    .offset((page - 1) * perPage);
  return { total: totals?.total ?? 0, rows: rows as { service: ServiceRow; organisation: OrganisationRow }[] };
}

/** Fully nested services, in the order of `ids`; ids outside the scope are left out. */
export async function loadServiceTrees(ids: string[], scope: Scope): Promise<ServiceTree[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  const rows = await db
    .select({ service: serviceColumns, organisation: organisationColumns })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(and(inArray(s.services.id, ids), inScope(scope)));
  if (rows.length === 0) return [];
  const found = rows.map((r) => r.service.id);
  const [locations, terms, areas, contacts, hours, languages] = await Promise.all([
    db
      .select({ serviceId: s.serviceAtLocations.serviceId, serviceAtLocationId: s.serviceAtLocations.id, location: locationColumns })
      .from(s.serviceAtLocations)
      .innerJoin(s.locations, eq(s.locations.id, s.serviceAtLocations.locationId))
      .where(inArray(s.serviceAtLocations.serviceId, found))
      .orderBy(asc(s.locations.name), asc(s.locations.id)),
    db
      .select({
        serviceId: s.serviceTaxonomyTerms.serviceId,
        taxonomy: s.taxonomyTerms.taxonomy,
        code: s.taxonomyTerms.code,
        name: s.taxonomyTerms.name,
        description: s.taxonomyTerms.description,
      })
      .from(s.serviceTaxonomyTerms)
      .innerJoin(s.taxonomyTerms, eq(s.taxonomyTerms.id, s.serviceTaxonomyTerms.taxonomyTermId))
      .where(inArray(s.serviceTaxonomyTerms.serviceId, found))
      .orderBy(asc(s.taxonomyTerms.taxonomy), asc(s.taxonomyTerms.code)),
    db
      .select({ serviceId: s.serviceAreas.serviceId, id: s.serviceAreas.id, name: s.serviceAreas.name, code: s.serviceAreas.code })
      .from(s.serviceAreas)
      .where(inArray(s.serviceAreas.serviceId, found))
      .orderBy(asc(s.serviceAreas.name), asc(s.serviceAreas.id)),
    db
      .select({
        serviceId: s.contacts.serviceId,
        id: s.contacts.id,
        name: s.contacts.name,
        title: s.contacts.title,
        email: s.contacts.email,
        phone: s.contacts.phone,
      })
      .from(s.contacts)
      .where(inArray(s.contacts.serviceId, found))
      .orderBy(asc(s.contacts.name), asc(s.contacts.id)),
    db
      .select({
        serviceId: s.openingHours.serviceId,
        id: s.openingHours.id,
        weekday: s.openingHours.weekday,
        opensAt: s.openingHours.opensAt,
        closesAt: s.openingHours.closesAt,
        note: s.openingHours.note,
      })
      .from(s.openingHours)
      .where(inArray(s.openingHours.serviceId, found))
      .orderBy(asc(s.openingHours.weekday), asc(s.openingHours.opensAt), asc(s.openingHours.id)),
    db
      .select({ serviceId: s.serviceLanguages.serviceId, code: s.serviceLanguages.code, name: s.serviceLanguages.name })
      .from(s.serviceLanguages)
      .where(inArray(s.serviceLanguages.serviceId, found))
      .orderBy(asc(s.serviceLanguages.ordinal), asc(s.serviceLanguages.code)),
  ]);
  const group = <T extends { serviceId: string }>(list: T[]) => {
    const map = new Map<string, Omit<T, "serviceId">[]>();
    for (const { serviceId, ...rest } of list) {
      const bucket = map.get(serviceId) ?? [];
      bucket.push(rest);
      map.set(serviceId, bucket);
    }
    return map;
  };
  const byService = {
    locations: group(locations),
    terms: group(terms),
    areas: group(areas),
    contacts: group(contacts),
    hours: group(hours),
    languages: group(languages),
  };
  const byId = new Map(rows.map((r) => [r.service.id, r]));
  return ids
    .map((id) => byId.get(id))
    .filter((r): r is (typeof rows)[number] => r !== undefined)
    .map((r) => ({
      service: r.service as ServiceRow,
      organisation: r.organisation,
      locations: (byService.locations.get(r.service.id) ?? []) as { serviceAtLocationId: string; location: LocationRow }[],
      terms: byService.terms.get(r.service.id) ?? [],
      areas: byService.areas.get(r.service.id) ?? [],
      contacts: byService.contacts.get(r.service.id) ?? [],
      hours: byService.hours.get(r.service.id) ?? [],
      languages: byService.languages.get(r.service.id) ?? [],
    }));
}

/** Ids of every service in scope, a batch at a time, for exports. */
export async function* serviceIdBatches(scope: Scope, batchSize = 200): AsyncGenerator<string[]> {
  const db = await getDb();
  let after: { name: string; id: string } | null = null;
  for (;;) {
    const cursor: SQL = after ? sql`(${s.services.name}, ${s.services.id}) > (${after.name}, ${after.id})` : sql`true`;
    const batch: { id: string; name: string }[] = await db
      .select({ id: s.services.id, name: s.services.name })
      .from(s.services)
      .where(and(inScope(scope), cursor))
      .orderBy(asc(s.services.name), asc(s.services.id))
      .limit(batchSize);
    if (batch.length === 0) return;
    yield batch.map((b) => b.id);
    after = batch[batch.length - 1]!;
    if (batch.length < batchSize) return;
  }
}

export interface ServiceAtLocationFilters extends ServiceFilters {
  near?: { latitude: number; longitude: number; metres?: number; wardName: string | null; postcodeArea: string };
}

export async function listServiceAtLocations(filters: ServiceAtLocationFilters, { page, perPage }: Paging) {
  const conditions = await serviceConditions(filters);
  if (!conditions) return { total: 0, rows: [] };
  const db = await getDb();
  const near = filters.near;
  const distance = near
    ? sql<number>`earth_distance(ll_to_earth(${near.latitude}, ${near.longitude}), ll_to_earth(${s.locations.latitude}, ${s.locations.longitude}))`
    : sql<number>`0`;
  if (near?.metres !== undefined) {
    conditions.push(
      sql`earth_box(ll_to_earth(${near.latitude}, ${near.longitude}), ${near.metres}) @> ll_to_earth(${s.locations.latitude}, ${s.locations.longitude})`,
      sql`${distance} <= ${near.metres}`,
    );
  } else if (near) {
    // Without a distance, a postcode means "services whose area covers it": its ward by name, or a
    // council-wide area (GSS council codes) for a service based in the same postcode area.
    conditions.push(sql`exists (
      select 1 from ${s.serviceAreas} sa where sa.service_id = ${s.services.id} and (
        (${near.wardName}::text is not null and lower(sa.name) = lower(${near.wardName}::text))
        or (sa.code ~ '^(S12|E06|E07|E08|E09|W06|N09)' and upper(${s.locations.postcode}) like ${`${near.postcodeArea}%`})
      ))`);
  }
  const where = and(publiclyVisible, ...conditions);
  const base = db
    .select({ total: count() })
    .from(s.serviceAtLocations)
    .innerJoin(s.services, eq(s.services.id, s.serviceAtLocations.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .innerJoin(s.locations, eq(s.locations.id, s.serviceAtLocations.locationId))
    .where(where);
  const [totals] = await base;
  const rows = await db
    .select({
      id: s.serviceAtLocations.id,
      service: serviceColumns,
      organisation: organisationColumns,
      location: locationColumns,
    })
    .from(s.serviceAtLocations)
    .innerJoin(s.services, eq(s.services.id, s.serviceAtLocations.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .innerJoin(s.locations, eq(s.locations.id, s.serviceAtLocations.locationId))
    .where(where)
    .orderBy(...(near ? [asc(distance)] : []), asc(s.services.name), asc(s.locations.name), asc(s.serviceAtLocations.id))
    .limit(perPage)
    .offset((page - 1) * perPage);
  return {
    total: totals?.total ?? 0,
    rows: rows as { id: string; service: ServiceRow; organisation: OrganisationRow; location: LocationRow }[],
  };
}

export async function getServiceAtLocation(id: string) {
  const db = await getDb();
  const [row] = await db
    .select({ id: s.serviceAtLocations.id, service: serviceColumns, organisation: organisationColumns, location: locationColumns })
    .from(s.serviceAtLocations)
    .innerJoin(s.services, eq(s.services.id, s.serviceAtLocations.serviceId))
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .innerJoin(s.locations, eq(s.locations.id, s.serviceAtLocations.locationId))
    .where(and(eq(s.serviceAtLocations.id, id), publiclyVisible));
  return (row as { id: string; service: ServiceRow; organisation: OrganisationRow; location: LocationRow } | undefined) ?? null;
}

/** Organisations with at least one public service: FORT does not publish the others. */
const hasPublicService = sql`exists (select 1 from ${s.services} where ${s.services.organisationId} = ${s.organisations.id}
  and ${s.services.publication} = 'published' and ${s.services.status} <> 'inactive')`;

export async function listOrganisations({ search }: { search?: string }, { page, perPage }: Paging) {
  const db = await getDb();
  const where = and(hasPublicService, search ? ilike(s.organisations.name, likePattern(search)) : undefined);
  const [totals] = await db.select({ total: count() }).from(s.organisations).where(where);
  const rows = await db
    .select(organisationColumns)
    .from(s.organisations)
    .where(where)
    .orderBy(asc(s.organisations.name), asc(s.organisations.id))
    .limit(perPage)
    .offset((page - 1) * perPage);
  return { total: totals?.total ?? 0, rows: rows as OrganisationRow[] };
}

export async function getOrganisation(id: string) {
  const db = await getDb();
  const [row] = await db
    .select(organisationColumns)
    .from(s.organisations)
    .where(and(eq(s.organisations.id, id), hasPublicService));
  return (row as OrganisationRow | undefined) ?? null;
}

export async function publicServiceIdsOf(organisationId: string): Promise<string[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: s.services.id })
    .from(s.services)
    .where(and(eq(s.services.organisationId, organisationId), publiclyVisible))
    .orderBy(asc(s.services.name), asc(s.services.id));
  return rows.map((r) => r.id);
}
