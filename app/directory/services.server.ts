// Reading the public directory. Every query here is limited to published, visible services
// inside the SQL itself, so a caller cannot forget the check.
import { and, asc, eq, ne, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { getDb } from "../db.server";
import type { ShanarriCode } from "./taxonomy";

const publiclyVisible = and(eq(s.services.publication, "published"), ne(s.services.status, "inactive"));

const termCodes = (taxonomy: string) =>
  sql<string[]>`array(
    select tt.code from ${s.serviceTaxonomyTerms} stt
    join ${s.taxonomyTerms} tt on tt.id = stt.taxonomy_term_id
    where stt.service_id = ${s.services.id} and tt.taxonomy = ${taxonomy}
    order by tt.code)`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string | undefined): value is string {
  return value !== undefined && UUID.test(value);
}

/** A published service with everything its public page shows, or null. */
export async function getPublishedService(id: string) {
  if (!isUuid(id)) return null;
  const db = await getDb();
  const [service] = await db
    .select({
      id: s.services.id,
      name: s.services.name,
      summary: s.services.summary,
      description: s.services.description,
      url: s.services.url,
      email: s.services.email,
      phone: s.services.phone,
      status: s.services.status,
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
      updatedAt: s.services.updatedAt,
      organisation: {
        id: s.organisations.id,
        name: s.organisations.name,
        website: s.organisations.website,
      },
      shanarri: termCodes("shanarri"),
      categories: termCodes("category"),
    })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(and(eq(s.services.id, id), publiclyVisible));
  if (!service) return null;

  const [locations, areas, contacts, hours, languages] = await Promise.all([
    db
      .select({
        id: s.locations.id,
        name: s.locations.name,
        address1: s.locations.address1,
        city: s.locations.city,
        postcode: s.locations.postcode,
        latitude: s.locations.latitude,
        longitude: s.locations.longitude,
        wardName: s.locations.wardName,
        accessibility: s.locations.accessibility,
      })
      .from(s.serviceAtLocations)
      .innerJoin(s.locations, eq(s.locations.id, s.serviceAtLocations.locationId))
      .where(eq(s.serviceAtLocations.serviceId, id))
      .orderBy(asc(s.locations.name)),
    db.select({ name: s.serviceAreas.name }).from(s.serviceAreas).where(eq(s.serviceAreas.serviceId, id)).orderBy(asc(s.serviceAreas.name)),
    db
      .select({ name: s.contacts.name, title: s.contacts.title, email: s.contacts.email, phone: s.contacts.phone })
      .from(s.contacts)
      .where(eq(s.contacts.serviceId, id)),
    db
      .select({
        locationId: s.openingHours.locationId,
        weekday: s.openingHours.weekday,
        opensAt: s.openingHours.opensAt,
        closesAt: s.openingHours.closesAt,
        note: s.openingHours.note,
      })
      .from(s.openingHours)
      .where(eq(s.openingHours.serviceId, id))
      .orderBy(asc(s.openingHours.weekday), asc(s.openingHours.opensAt)),
    db
      .select({ code: s.serviceLanguages.code, name: s.serviceLanguages.name })
      .from(s.serviceLanguages)
      .where(eq(s.serviceLanguages.serviceId, id))
      .orderBy(asc(s.serviceLanguages.ordinal)),
  ]);
  return { ...service, shanarri: service.shanarri as ShanarriCode[], locations, areas: areas.map((a) => a.name), contacts, hours, languages };
}

export type PublishedService = NonNullable<Awaited<ReturnType<typeof getPublishedService>>>;
