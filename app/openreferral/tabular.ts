// The tabular (CSV) form of HSDS: one table per entity, linked by ids (see the standard's
// examples/tabular.json). Turns tables into nested records for import, and nested records into tables
// for export.
import { FORT_EXTENSION, type Json } from "./map";

export type Row = Record<string, string>;
export type Tables = Map<string, Row[]>;

/** Table names FORT reads, from file names such as "services.csv" or "service_at_location.csv". */
const TABLES = [
  "organizations",
  "organization_identifiers",
  "services",
  "locations",
  "addresses",
  "accessibility",
  "service_at_locations",
  "taxonomies",
  "taxonomy_terms",
  "attributes",
  "contacts",
  "phones",
  "schedules",
  "service_areas",
  "languages",
  "cost_options",
  "funding",
] as const;

const ALIASES: Record<string, string> = {
  service_at_location: "service_at_locations",
  accessibility_for_disabilities: "accessibility",
  organization: "organizations",
  service: "services",
  location: "locations",
};

export function tableName(fileName: string): string | null {
  const base = fileName
    .replace(/^.*[\\/]/, "")
    .replace(/\.csv$/i, "")
    .toLowerCase();
  const name = ALIASES[base] ?? base;
  return (TABLES as readonly string[]).includes(name) ? name : null;
}

const NUMBERS = new Set(["minimum_age", "maximum_age", "latitude", "longitude", "amount", "interval"]);
const EXTENSION_NUMBERS = new Set(["typical_wait_weeks"]);
const EXTENSION_BOOLEANS = new Set(["accepts_professional_referrals", "accepts_self_referrals", "is_free"]);

/** A CSV row as a record: empty cells left out, numbers as numbers, x_fort_* columns gathered up. */
function record(row: Row, drop: string[] = []): Json {
  const out: Json = {};
  const extension: Json = {};
  for (const [column, raw] of Object.entries(row)) {
    if (raw === undefined || raw === "" || drop.includes(column)) continue;
    if (column.startsWith(`${FORT_EXTENSION}_`)) {
      const key = column.slice(FORT_EXTENSION.length + 1);
      extension[key] = EXTENSION_NUMBERS.has(key) && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : EXTENSION_BOOLEANS.has(key) ? raw === "true" : raw;
      continue;
    }
    out[column] = NUMBERS.has(column) && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  }
  if (Object.keys(extension).length) out[FORT_EXTENSION] = extension;
  return out;
}

function groupBy(rows: Row[] | undefined, column: string) {
  const map = new Map<string, Row[]>();
  for (const row of rows ?? []) {
    const key = row[column];
    if (!key) continue;
    const list = map.get(key) ?? [];
    list.push(row);
    map.set(key, list);
  }
  return map;
}

/** Nested service records (with their organisation), then organisations that have no services. */
export function* assembleTabular(tables: Tables): Generator<{ position: string; value: unknown }> {
  const identifiers = groupBy(tables.get("organization_identifiers"), "organization_id");
  const organisations = new Map<string, Json>();
  for (const row of tables.get("organizations") ?? []) {
    organisations.set(row.id ?? "", { ...record(row), organization_identifiers: (identifiers.get(row.id ?? "") ?? []).map((r) => record(r)) });
  }
  const addresses = groupBy(tables.get("addresses"), "location_id");
  const accessibility = groupBy(tables.get("accessibility"), "location_id");
  const locations = new Map<string, Json>();
  for (const row of tables.get("locations") ?? []) {
    const id = row.id ?? "";
    locations.set(id, {
      ...record(row),
      addresses: (addresses.get(id) ?? []).map((r) => record(r)),
      accessibility: (accessibility.get(id) ?? []).map((r) => record(r)),
    });
  }
  const taxonomies = new Map((tables.get("taxonomies") ?? []).map((r) => [r.id ?? "", r]));
  const terms = new Map<string, Json>();
  for (const row of tables.get("taxonomy_terms") ?? []) {
    const taxonomy = row.taxonomy_id ? taxonomies.get(row.taxonomy_id) : undefined;
    terms.set(row.id ?? "", { ...record(row), ...(taxonomy && !row.taxonomy ? { taxonomy: taxonomy.name } : {}) });
  }
  const attributes = groupBy(tables.get("attributes"), "link_id");
  const phones = groupBy(tables.get("phones"), "contact_id");
  const contacts = groupBy(tables.get("contacts"), "service_id");
  const schedules = groupBy(tables.get("schedules"), "service_id");
  const areas = groupBy(tables.get("service_areas"), "service_id");
  const languages = groupBy(tables.get("languages"), "service_id");
  const costs = groupBy(tables.get("cost_options"), "service_id");
  const funding = groupBy(tables.get("funding"), "service_id");
  const serviceAtLocations = groupBy(tables.get("service_at_locations"), "service_id");

  const organisationsWithServices = new Set<string>();
  let line = 1;
  for (const row of tables.get("services") ?? []) {
    line += 1;
    const id = row.id ?? "";
    const organisation = row.organization_id ? organisations.get(row.organization_id) : undefined;
    if (row.organization_id) organisationsWithServices.add(row.organization_id);
    yield {
      position: `services.csv row ${line}`,
      value: {
        ...record(row),
        organization: organisation,
        service_at_locations: (serviceAtLocations.get(id) ?? []).map((sal) => ({
          ...record(sal, ["description"]),
          location: sal.location_id ? locations.get(sal.location_id) : undefined,
        })),
        attributes: (attributes.get(id) ?? []).map((a) => ({
          ...record(a, ["link_entity", "value"]),
          taxonomy_term: a.taxonomy_term_id ? terms.get(a.taxonomy_term_id) : undefined,
        })),
        contacts: (contacts.get(id) ?? []).map((c) => ({ ...record(c), phones: (phones.get(c.id ?? "") ?? []).map((p) => record(p)) })),
        schedules: (schedules.get(id) ?? []).map((r) => record(r)),
        service_areas: (areas.get(id) ?? []).map((r) => record(r)),
        languages: (languages.get(id) ?? []).map((r) => record(r)),
        cost_options: (costs.get(id) ?? []).map((r) => record(r)),
        funding: (funding.get(id) ?? []).map((r) => record(r)),
      },
    };
  }
  line = 1;
  for (const [id, organisation] of organisations) {
    line += 1;
    if (!organisationsWithServices.has(id)) yield { position: `organizations.csv row ${line}`, value: organisation };
  }
}

// ---- Export: nested records → tables --------------------------------------------------------------

function scalarColumns(value: Json, prefix = ""): Row {
  const row: Row = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (key === FORT_EXTENSION && typeof v === "object" && !Array.isArray(v)) {
      Object.assign(row, scalarColumns(v as Json, `${FORT_EXTENSION}_`));
    } else if (typeof v !== "object") {
      row[prefix + key] = String(v);
    }
  }
  return row;
}

/** Collects nested services (as exported) into HSDS tables, each record once. */
export class TableBuilder {
  readonly tables = new Map<string, Map<string, Row>>();

  private put(table: string, row: Row) {
    const rows = this.tables.get(table) ?? new Map<string, Row>();
    this.tables.set(table, rows);
    if (row.id && !rows.has(row.id)) rows.set(row.id, row);
  }

  addService(service: Json) {
    const sid = String(service.id);
    this.put("services", scalarColumns(service));
    const organisation = service.organization as Json | undefined;
    if (organisation) {
      this.put("organizations", scalarColumns(organisation));
      for (const identifier of (organisation.organization_identifiers as Json[] | undefined) ?? [])
        this.put("organization_identifiers", scalarColumns(identifier));
    }
    for (const sal of (service.service_at_locations as Json[] | undefined) ?? []) {
      this.put("service_at_locations", scalarColumns(sal));
      const location = sal.location as Json | undefined;
      if (!location) continue;
      this.put("locations", scalarColumns(location));
      for (const address of (location.addresses as Json[] | undefined) ?? []) this.put("addresses", scalarColumns(address));
      for (const item of (location.accessibility as Json[] | undefined) ?? []) this.put("accessibility", scalarColumns(item));
    }
    for (const attribute of (service.attributes as Json[] | undefined) ?? []) {
      this.put("attributes", { ...scalarColumns(attribute), link_entity: "service" });
      const term = attribute.taxonomy_term as Json | undefined;
      if (term) this.put("taxonomy_terms", scalarColumns(term));
    }
    for (const contact of (service.contacts as Json[] | undefined) ?? []) {
      this.put("contacts", scalarColumns(contact));
      for (const phone of (contact.phones as Json[] | undefined) ?? []) this.put("phones", scalarColumns(phone));
    }
    for (const [key, table] of [
      ["schedules", "schedules"],
      ["service_areas", "service_areas"],
      ["languages", "languages"],
      ["cost_options", "cost_options"],
    ] as const) {
      for (const item of (service[key] as Json[] | undefined) ?? []) this.put(table, { ...scalarColumns(item), service_id: sid });
    }
  }

  addTaxonomy(taxonomy: Json) {
    this.put("taxonomies", scalarColumns(taxonomy));
  }

  /** Each table's columns (the union over its rows, id first) and rows, in a stable order. */
  build(): { file: string; columns: string[]; rows: Row[] }[] {
    return [...this.tables.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([table, rows]) => {
        const columns = new Set<string>(["id"]);
        for (const row of rows.values()) for (const column of Object.keys(row)) columns.add(column);
        return { file: `${table}.csv`, columns: [...columns], rows: [...rows.values()] };
      });
  }
}
