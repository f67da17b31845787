// The service directory, shaped after Open Referral UK / HSDS 3:
// organisation → services → locations (service_at_location), with taxonomy terms.
import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { SERVICE_TRIGRAM_TEXT_SQL, tsvector } from "./search";

export const organisationStatus = pgEnum("organisation_status", ["pending", "approved", "suspended"]);
export const serviceStatus = pgEnum("service_status", ["active", "inactive", "temporarily_closed"]);
export const publicationState = pgEnum("publication_state", ["draft", "awaiting_approval", "published"]);
export const capacityState = pgEnum("capacity_state", ["accepting", "waiting_list", "not_accepting"]);

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

export const organisations = pgTable(
  "organisations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    website: text("website"),
    email: text("email"),
    phone: text("phone"),
    // Where new referrals are announced; no child's details are ever sent there.
    intakeEmail: text("intake_email"),
    charityNumber: text("charity_number"),
    status: organisationStatus("status").notNull().default("pending"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("organisations_name_key").on(sql`lower(${t.name})`),
    // Directory search matches a service by its organisation's name too (search.server.ts).
    index("organisations_name_search_idx").using("gin", sql`to_tsvector('english', ${t.name})`),
  ],
);

export const services = pgTable(
  "services",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    summary: text("summary").notNull().default(""),
    description: text("description").notNull().default(""),
    url: text("url"),
    email: text("email"),
    phone: text("phone"),
    status: serviceStatus("status").notNull().default("active"),
    publication: publicationState("publication").notNull().default("draft"),
    minAge: smallint("min_age"),
    maxAge: smallint("max_age"),
    eligibilityCriteria: text("eligibility_criteria"),
    acceptsProfessionalReferrals: boolean("accepts_professional_referrals").notNull().default(true),
    acceptsSelfReferrals: boolean("accepts_self_referrals").notNull().default(false),
    capacity: capacityState("capacity").notNull().default("accepting"),
    typicalWaitWeeks: smallint("typical_wait_weeks"),
    isFree: boolean("is_free").notNull().default(true),
    costDescription: text("cost_description"),
    lastCheckedOn: date("last_checked_on", { mode: "string" })
      .notNull()
      .default(sql`current_date`),
    // Where an imported record came from (Open Referral feed URL or file), for provenance.
    source: text("source"),
    // Full-text search document, weighted name > summary > description; kept current by PostgreSQL itself.
    searchDocument: tsvector("search_document")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')`,
      ),
    ...timestamps,
  },
  (t) => [
    index("services_organisation_idx").on(t.organisationId),
    index("services_publication_idx").on(t.publication, t.status),
    index("services_search_document_idx").using("gin", t.searchDocument),
    // The directory's default order, over public services only: the first page needs no sort of the whole table.
    index("services_public_name_idx")
      .on(t.name, t.id)
      .where(sql`publication = 'published' and status <> 'inactive'`),
    // Typo tolerance: trigram word similarity against name and summary (see app/directory/search.server.ts).
    index("services_search_trigram_idx").using("gin", sql`${sql.raw(SERVICE_TRIGRAM_TEXT_SQL)} gin_trgm_ops`),
  ],
);

export const locations = pgTable(
  "locations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    address1: text("address_1").notNull(),
    city: text("city").notNull(),
    postcode: text("postcode").notNull(),
    latitude: doublePrecision("latitude").notNull(),
    longitude: doublePrecision("longitude").notNull(),
    wardCode: text("ward_code"),
    wardName: text("ward_name"),
    accessibility: text("accessibility")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    ...timestamps,
  },
  (t) => [
    index("locations_organisation_idx").on(t.organisationId),
    // Bounding-box search on plain indexed columns works the same on PGlite and PostgreSQL.
    index("locations_lat_lng_idx").on(t.latitude, t.longitude),
    // Distance search ("near DD4") via cube/earthdistance, available on both engines.
    index("locations_earth_idx").using("gist", sql`ll_to_earth(${t.latitude}, ${t.longitude})`),
  ],
);

export const serviceAtLocations = pgTable(
  "service_at_locations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    locationId: uuid("location_id")
      .notNull()
      .references(() => locations.id, { onDelete: "cascade" }),
  },
  (t) => [uniqueIndex("service_at_locations_key").on(t.serviceId, t.locationId), index("service_at_locations_location_idx").on(t.locationId)],
);

export const taxonomyTerms = pgTable(
  "taxonomy_terms",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // "shanarri" for the eight wellbeing indicators, "category" for kinds of support.
    taxonomy: text("taxonomy").notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
  },
  (t) => [uniqueIndex("taxonomy_terms_key").on(t.taxonomy, t.code)],
);

export const serviceTaxonomyTerms = pgTable(
  "service_taxonomy_terms",
  {
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    taxonomyTermId: uuid("taxonomy_term_id")
      .notNull()
      .references(() => taxonomyTerms.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.taxonomyTermId] }), index("service_taxonomy_terms_term_idx").on(t.taxonomyTermId)],
);

export const serviceAreas = pgTable(
  "service_areas",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    // GSS code of a ward or council area; a service covering the whole council area uses the council's code.
    code: text("code"),
  },
  (t) => [index("service_areas_service_idx").on(t.serviceId), index("service_areas_code_idx").on(t.code)],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    title: text("title"),
    email: text("email"),
    phone: text("phone"),
  },
  (t) => [index("contacts_service_idx").on(t.serviceId)],
);

export const openingHours = pgTable(
  "opening_hours",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    // The place these hours are for, when a service keeps different hours at each of its places;
    // null = the service's hours everywhere it runs (and for records imported without a place).
    locationId: uuid("location_id").references(() => locations.id, { onDelete: "cascade" }),
    // ISO weekday: 1 = Monday … 7 = Sunday.
    weekday: smallint("weekday").notNull(),
    opensAt: time("opens_at").notNull(),
    closesAt: time("closes_at").notNull(),
    note: text("note"),
  },
  (t) => [index("opening_hours_service_idx").on(t.serviceId)],
);

export const serviceLanguages = pgTable(
  "service_languages",
  {
    serviceId: uuid("service_id")
      .notNull()
      .references(() => services.id, { onDelete: "cascade" }),
    // BCP 47 / ISO 639 code, e.g. "en", "pl", "ar", "bfi" (British Sign Language).
    code: text("code").notNull(),
    name: text("name").notNull(),
    ordinal: integer("ordinal").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.serviceId, t.code] })],
);
