// Imports an Open Referral feed into the directory. The same code previews (nothing written) and applies
// (docs/decisions/0007): records are matched by id so a re-import updates rather than duplicates,
// every imported service keeps its source and waits for a coordinator's approval.
import { and, eq, inArray, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { getDb, type Database } from "../db.server";
import { loadServiceTrees } from "./directory.server";
import { FeedError, openFeed, type FeedFormat, type FeedInput } from "./feed.server";
import { isUuid } from "./ids";
import type { Json } from "./map";
import {
  changedParts,
  detached,
  draftFromTree,
  IdAllocator,
  keepUnsaid,
  locationChanged,
  organisationChanged,
  organisationDraft,
  serviceDraft,
  type FortTerm,
  type LocationDraft,
  type OrganisationDraft,
  type ServiceDraft,
} from "./records.server";
import { checkRecord, type RecordKind } from "./validate.server";

export type ImportAction = "create" | "update" | "unchanged" | "skip";
export type Entity = "service" | "organisation" | "location";

export interface ImportItem {
  entity: Entity | "record";
  position: string;
  id?: string;
  name?: string;
  action: ImportAction;
  reasons: string[];
}

type Counts = Record<ImportAction, number>;

export interface ImportReport {
  format: FeedFormat | null;
  source: string;
  applied: boolean;
  /** Records read from the file. */
  records: number;
  counts: Record<Entity, Counts> & { invalid: number };
  /** The first MAX_ITEMS items; the rest are only counted. */
  items: ImportItem[];
  itemsLeftOut: number;
  warnings: string[];
  /** Why nothing in the file can be imported, when that is so. */
  refusal: string | null;
  seconds: number;
}

export const MAX_ITEMS = 2000;
const BATCH = 200;

export interface ImportOptions {
  /** Recorded on each imported service as its provenance: the feed URL or file name. */
  source: string;
  /** False for a preview: everything is worked out, nothing is written. */
  apply: boolean;
  onProgress?: (recordsRead: number) => void;
}

const zeroCounts = (): Counts => ({ create: 0, update: 0, unchanged: 0, skip: 0 });

class Run {
  readonly report: ImportReport;
  readonly ids = new IdAllocator();
  readonly unmappedTerms = new Set<string>();
  readonly seenServices = new Set<string>();
  /** Organisations already decided in this import: feed id → FORT id. */
  readonly organisations = new Map<string, string>();
  readonly organisationNames = new Map<string, string>();
  readonly locations = new Set<string>();
  batch: { draft: ServiceDraft | null; organisation: OrganisationDraft | null; position: string }[] = [];
  fortTerms: (FortTerm & { localId: string })[] = [];
  notServiceData = 0;

  constructor(readonly options: ImportOptions) {
    this.report = {
      format: null,
      source: options.source,
      applied: false,
      records: 0,
      counts: { service: zeroCounts(), organisation: zeroCounts(), location: zeroCounts(), invalid: 0 },
      items: [],
      itemsLeftOut: 0,
      warnings: [],
      refusal: null,
      seconds: 0,
    };
  }

  item(item: ImportItem) {
    if (item.entity !== "record") this.report.counts[item.entity][item.action] += 1;
    if (this.report.items.length < MAX_ITEMS) this.report.items.push(item);
    else this.report.itemsLeftOut += 1;
  }

  warn(message: string) {
    if (this.report.warnings.length < 50) this.report.warnings.push(message);
  }

  invalid(position: string, kind: string, record: Json, reasons: string[]) {
    this.report.counts.invalid += 1;
    this.item({
      entity: kind === "organization" ? "organisation" : kind === "service" ? "service" : "record",
      position,
      id: typeof record.id === "string" ? record.id : undefined,
      name: typeof record.name === "string" ? record.name : undefined,
      action: "skip",
      reasons: reasons.slice(0, 8),
    });
  }
}

/** What kind of Open Referral record this is, from the fields it has. */
export function recordKind(record: Json): RecordKind | "api_details" | null {
  if ("openapi_url" in record || ("version" in record && "profile" in record)) return "api_details";
  if ("location" in record && ("service" in record || "service_id" in record) && !("status" in record)) return "service_at_location";
  if ("status" in record || "service_at_locations" in record || "organization" in record) return "service";
  if ("services" in record || "organization_identifiers" in record || "website" in record || "logo" in record) return "organization";
  if ("taxonomy_terms" in record || "version" in record) return "taxonomy";
  if ("term" in record || "taxonomy_id" in record || "parent_id" in record || "term_uri" in record || "taxonomy" in record) return "taxonomy_term";
  if ("name" in record && "description" in record && ("email" in record || "uri" in record)) return "organization";
  return null;
}

async function readRecord(run: Run, position: string, value: unknown, db: Database) {
  run.report.records += 1;
  if (value instanceof Error) {
    run.invalid(position, "record", {}, [value.message]);
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    run.invalid(position, "record", {}, ["This is not an Open Referral record (a JSON object)."]);
    return;
  }
  const record = value as Json;
  const kind = recordKind(record);
  if (kind === "api_details") {
    throw new FeedError(
      "This file describes an API (the answer to GET /), it holds no services. Export the services from that API (GET /services, or each /services/{id}) and import that file.",
    );
  }
  if (!kind) {
    run.invalid(position, "record", record, ["FORT does not recognise this as a service, organisation or other Open Referral record."]);
    return;
  }
  const { record: checked, problems, leftOut } = checkRecord(kind, record);
  if (problems.length) {
    run.invalid(position, kind, record, problems);
    return;
  }
  if (kind === "taxonomy" || kind === "taxonomy_term") {
    run.notServiceData += 1;
    return;
  }
  if (kind === "organization" && leftOut.length) run.warn(`${position} (${String(record.name)}): ${leftOut.join(" ")}`);
  if (kind === "service_at_location") {
    const service = checked.service && typeof record.service === "object" ? (record.service as Json) : null;
    if (!service) {
      run.invalid(position, "record", record, ["This service_at_location does not include its service, so there is nothing FORT can import from it."]);
      return;
    }
    const nested: Json = { ...service, service_at_locations: [{ id: checked.id, service_id: service.id, location_id: checked.location_id, location: checked.location }] };
    await readService(run, `${position} service`, nested, null, db);
    return;
  }
  if (kind === "organization") {
    const organisation = organisationDraft(checked);
    run.batch.push({ draft: null, organisation, position });
    const services = Array.isArray(record.services) ? record.services : [];
    for (const [i, service] of services.entries()) {
      if (service && typeof service === "object") await readService(run, `${position} services[${i}]`, service as Json, checked, db);
    }
    if (run.batch.length >= BATCH) await flush(run, db);
    return;
  }
  await readService(run, position, checked, null, db);
}

async function readService(run: Run, position: string, record: Json, organisation: Json | null, db: Database) {
  const { record: checked, problems, leftOut } = checkRecord("service", record);
  if (problems.length) {
    run.invalid(position, "service", record, problems);
    return;
  }
  const draft = serviceDraft(checked, position, { organisation, fortTerms: run.fortTerms, unmappedTerms: run.unmappedTerms, ids: run.ids });
  draft.warnings.unshift(...leftOut);
  run.batch.push({ draft, organisation: draft.organisation, position });
  if (run.batch.length >= BATCH) await flush(run, db);
}

const organisationColumns = {
  id: s.organisations.id,
  name: s.organisations.name,
  description: s.organisations.description,
  email: s.organisations.email,
  website: s.organisations.website,
  phone: s.organisations.phone,
  charityNumber: s.organisations.charityNumber,
};

const locationColumns = {
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

interface Writes {
  organisations: { create: (OrganisationDraft & { status: "pending" })[]; update: OrganisationDraft[] };
  locations: { create: (LocationDraft & { organisationId: string })[]; update: LocationDraft[] };
  services: { create: { draft: ServiceDraft; organisationId: string }[]; update: { draft: ServiceDraft; organisationId: string }[]; revise: { draft: ServiceDraft; organisationId: string }[] };
}

/** Decides what each record of the batch does and, when applying, writes the batch in one transaction. */
async function flush(run: Run, db: Database) {
  const batch = run.batch;
  run.batch = [];
  if (batch.length === 0) return;
  const drafts = batch.map((b) => b.draft).filter((d): d is ServiceDraft => d !== null);

  const organisationIds = [
    ...new Set(batch.flatMap((b) => [b.organisation?.id, b.draft?.organisationId]).filter((id): id is string => isUuid(id)).map((id) => id.toLowerCase())),
  ];
  const organisationNames = [...new Set(batch.map((b) => b.organisation?.name.toLowerCase()).filter((n): n is string => !!n))];
  const locationIds = [...new Set(drafts.flatMap((d) => d.locations.map((l) => l.location.id)))];
  const [existingOrganisations, existingByName, existingLocations, existingTrees, existingServiceIds] = await Promise.all([
    organisationIds.length ? db.select(organisationColumns).from(s.organisations).where(inArray(s.organisations.id, organisationIds)) : [],
    organisationNames.length
      ? db.select(organisationColumns).from(s.organisations).where(inArray(sql`lower(${s.organisations.name})`, organisationNames))
      : [],
    locationIds.length ? db.select(locationColumns).from(s.locations).where(inArray(s.locations.id, locationIds)) : [],
    loadServiceTrees(drafts.map((d) => d.id), "all"),
    drafts.length ? db.select({ id: s.services.id, publication: s.services.publication }).from(s.services).where(inArray(s.services.id, drafts.map((d) => d.id))) : [],
  ]);
  const organisationById = new Map(existingOrganisations.map((o) => [o.id, o as OrganisationDraft]));
  const organisationByName = new Map(existingByName.map((o) => [o.name.toLowerCase(), o as OrganisationDraft]));
  const locationById = new Map(existingLocations.map((l) => [l.id, l as LocationDraft]));
  const treeById = new Map(existingTrees.map((t) => [t.service.id, t]));
  const publicationById = new Map(existingServiceIds.map((r) => [r.id, r.publication]));

  const writes: Writes = { organisations: { create: [], update: [] }, locations: { create: [], update: [] }, services: { create: [], update: [], revise: [] } };

  /** FORT's id for an organisation of the feed, deciding (once per import) whether to create or update it. */
  const resolveOrganisation = (draft: OrganisationDraft | null, id: string | null, position: string): string | null => {
    const key = (draft?.id ?? id ?? "").toLowerCase();
    if (key && run.organisations.has(key)) return run.organisations.get(key)!;
    const existing = key ? organisationById.get(key) : undefined;
    if (existing) {
      run.organisations.set(detached(key), existing.id);
      if (draft) {
        // Organisation names are unique in FORT: a rename onto another organisation's name keeps the old name.
        const nameTaken = [organisationByName.get(draft.name.toLowerCase())?.id, run.organisationNames.get(draft.name.toLowerCase())].some(
          (id) => id !== undefined && id !== existing.id,
        );
        const update = nameTaken ? { ...draft, name: existing.name } : draft;
        const changed = organisationChanged(update, existing);
        if (changed) writes.organisations.update.push({ ...update, id: existing.id });
        run.item({
          entity: "organisation",
          position,
          id: existing.id,
          name: draft.name,
          action: changed ? "update" : "unchanged",
          reasons: [
            changed ? "Already in FORT with the same id; its details will be updated." : "Already in FORT with the same id and the same details.",
            ...(nameTaken ? [`Another organisation in FORT is already called “${draft.name}”, so this one keeps its name “${existing.name}”.`] : []),
          ],
        });
      }
      return existing.id;
    }
    if (!draft) return null;
    const sameName = organisationByName.get(draft.name.toLowerCase())?.id ?? run.organisationNames.get(draft.name.toLowerCase());
    if (sameName) {
      run.organisations.set(detached(key), sameName);
      run.item({
        entity: "organisation",
        position,
        id: draft.id,
        name: draft.name,
        action: "unchanged",
        reasons: ["An organisation with this name is already in FORT; the services will be added to it and FORT's details of it are kept."],
      });
      return sameName;
    }
    const newId = isUuid(draft.id) ? draft.id.toLowerCase() : crypto.randomUUID();
    writes.organisations.create.push({ ...draft, id: newId, status: "pending" });
    run.organisations.set(detached(key), detached(newId));
    run.organisationNames.set(detached(draft.name.toLowerCase()), detached(newId));
    run.item({ entity: "organisation", position, id: newId, name: draft.name, action: "create", reasons: ["New organisation; a coordinator approves it with its services."] });
    return newId;
  };

  for (const entry of batch) {
    if (!entry.draft) {
      resolveOrganisation(entry.organisation, null, entry.position);
      continue;
    }
    const draft = entry.draft;
    const base = { entity: "service" as const, position: draft.position, id: draft.id, name: draft.fields.name };
    if (run.seenServices.has(draft.id)) {
      run.item({ ...base, action: "skip", reasons: ["This service appears earlier in the same file; only the first copy is used."] });
      continue;
    }
    run.seenServices.add(detached(draft.id));
    const organisationId = resolveOrganisation(draft.organisation, draft.organisationId, draft.position);
    if (!organisationId) {
      run.item({
        ...base,
        action: "skip",
        reasons: [`Its organisation (${draft.organisationId ?? "none given"}) is neither in this file nor in FORT. Include the organisation in the feed.`],
      });
      continue;
    }
    const reasons = [...draft.warnings];
    const current = treeById.get(draft.id);
    keepUnsaid(draft, current);
    if (!current && publicationById.has(draft.id)) throw new Error(`Service ${draft.id} exists but could not be loaded`);
    let action: ImportAction = "create";
    if (current) {
      const changes = changedParts(draft, draftFromTree(current), organisationId);
      const fortChangedAt = new Date(current.service.updatedAt);
      if (changes.length === 0) {
        action = "unchanged";
        reasons.unshift("Already in FORT with the same id and nothing has changed.");
      } else if (draft.lastModified && fortChangedAt > draft.lastModified) {
        action = "skip";
        reasons.unshift(
          `FORT's copy was changed on ${fortChangedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, after this record's last_modified (${draft.lastModified.toISOString().slice(0, 16).replace("T", " ")} UTC), so FORT keeps its copy.`,
        );
      } else {
        action = "update";
        reasons.unshift(
          `Already in FORT with the same id; changes: ${changes.join(", ")}.${publicationById.get(draft.id) === "published" ? " The published version stays up until a coordinator approves the changes." : ""}`,
        );
      }
    } else {
      reasons.unshift("New service; it will wait for a coordinator's approval before it is public.");
    }
    run.item({ ...base, action, reasons });
    if (action === "create") writes.services.create.push({ draft, organisationId });
    // A published service keeps showing as it is; the import's version waits as a revision for a coordinator.
    if (action === "update") (publicationById.get(draft.id) === "published" ? writes.services.revise : writes.services.update).push({ draft, organisationId });
    if (action === "create" || action === "update") {
      // Places are facts about buildings and publish at once (ADR 0005), also for a service whose update waits.
      for (const { location } of draft.locations) {
        if (run.locations.has(location.id)) continue;
        run.locations.add(detached(location.id));
        const existing = locationById.get(location.id);
        if (!existing) {
          writes.locations.create.push({ ...location, organisationId });
          run.report.counts.location.create += 1;
        } else if (locationChanged(location, existing)) {
          writes.locations.update.push({ ...location, wardCode: location.wardCode ?? existing.wardCode, wardName: location.wardName ?? existing.wardName });
          run.report.counts.location.update += 1;
        } else {
          run.report.counts.location.unchanged += 1;
        }
      }
    }
  }

  if (!run.options.apply) return;
  try {
    await write(run, db, writes);
  } catch (error) {
    const first = batch[0]!.position;
    const last = batch[batch.length - 1]!.position;
    throw new FeedError(
      `FORT could not save the records from ${first} to ${last} (${error instanceof Error ? error.message : String(error)}). Nothing from them was saved; records before them were imported and are awaiting approval. Fix the file and import it again: records already imported will show as unchanged.`,
    );
  }
}

function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function write(run: Run, db: Database, writes: Writes) {
  const termId = new Map(run.fortTerms.map((t) => [`${t.taxonomy}:${t.code}`, t.localId]));
  const today = new Date().toISOString().slice(0, 10);
  await db.transaction(async (tx) => {
    for (const part of chunks(writes.organisations.create)) {
      await tx.insert(s.organisations).values(
        part.map((o) => ({
          id: o.id,
          name: o.name,
          description: o.description,
          email: o.email,
          website: o.website,
          phone: o.phone ?? null,
          charityNumber: o.charityNumber ?? null,
          status: o.status,
        })),
      );
    }
    for (const o of writes.organisations.update) {
      await tx
        .update(s.organisations)
        .set({
          name: o.name,
          description: o.description,
          email: o.email,
          website: o.website,
          ...(o.phone !== undefined ? { phone: o.phone } : {}),
          ...(o.charityNumber !== undefined ? { charityNumber: o.charityNumber } : {}),
          updatedAt: new Date(),
        })
        .where(eq(s.organisations.id, o.id));
    }
    for (const part of chunks(writes.locations.create)) await tx.insert(s.locations).values(part);
    for (const { id, ...l } of writes.locations.update) await tx.update(s.locations).set({ ...l, updatedAt: new Date() }).where(eq(s.locations.id, id));

    const serviceValues = ({ draft, organisationId }: { draft: ServiceDraft; organisationId: string }) => {
      const defined = Object.fromEntries(Object.entries(draft.fields).filter(([, v]) => v !== undefined));
      return {
        ...defined,
        organisationId,
        publication: "awaiting_approval" as const,
        source: run.options.source,
        updatedAt: draft.lastModified ?? new Date(),
      };
    };
    for (const part of chunks(writes.services.create, 200)) {
      await tx.insert(s.services).values(part.map((w) => ({ id: w.draft.id, lastCheckedOn: today, summary: w.draft.defaultSummary, ...serviceValues(w) })) as never);
    }
    for (const w of writes.services.update) await tx.update(s.services).set(serviceValues(w) as never).where(eq(s.services.id, w.draft.id));

    for (const w of writes.services.revise) {
      await tx.update(s.serviceRevisions).set({ status: "superseded" }).where(and(eq(s.serviceRevisions.serviceId, w.draft.id), eq(s.serviceRevisions.status, "pending")));
      const proposal: ImportedProposal = { kind: "import", source: run.options.source, organisationId: w.organisationId, draft: w.draft };
      await tx.insert(s.serviceRevisions).values({ serviceId: w.draft.id, proposed: proposal as unknown as Record<string, unknown>, submittedBy: null });
    }

    const updated = writes.services.update.map((w) => w.draft.id);
    for (const part of chunks(updated)) {
      await tx.delete(s.serviceAtLocations).where(inArray(s.serviceAtLocations.serviceId, part));
      await tx.delete(s.serviceTaxonomyTerms).where(inArray(s.serviceTaxonomyTerms.serviceId, part));
      await tx.delete(s.serviceAreas).where(inArray(s.serviceAreas.serviceId, part));
      await tx.delete(s.contacts).where(inArray(s.contacts.serviceId, part));
      await tx.delete(s.openingHours).where(inArray(s.openingHours.serviceId, part));
      await tx.delete(s.serviceLanguages).where(inArray(s.serviceLanguages.serviceId, part));
    }
    const all = [...writes.services.create, ...writes.services.update].map((w) => w.draft);
    const insertAll = async <T>(table: Parameters<typeof tx.insert>[0], rows: T[]) => {
      for (const part of chunks(rows)) if (part.length) await tx.insert(table).values(part as never);
    };
    await insertAll(
      s.serviceAtLocations,
      all.flatMap((d) => d.locations.map((l) => ({ id: l.serviceAtLocationId, serviceId: d.id, locationId: l.location.id }))),
    );
    await insertAll(
      s.serviceTaxonomyTerms,
      all.flatMap((d) => d.terms.map((t) => ({ serviceId: d.id, taxonomyTermId: termId.get(t)! })).filter((r) => r.taxonomyTermId)),
    );
    await insertAll(s.serviceAreas, all.flatMap((d) => d.areas.map((a) => ({ ...a, serviceId: d.id }))));
    await insertAll(s.contacts, all.flatMap((d) => d.contacts.map((c) => ({ ...c, serviceId: d.id }))));
    await insertAll(s.openingHours, all.flatMap((d) => d.hours.map((h) => ({ ...h, serviceId: d.id }))));
    await insertAll(s.serviceLanguages, all.flatMap((d) => (d.languages ?? []).map((l, ordinal) => ({ ...l, ordinal, serviceId: d.id }))));
  });
}

/** Reads the whole feed, decides what each record does, and (with `apply`) makes the changes. */
export async function importFeed(input: FeedInput, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const run = new Run(options);
  const db = await getDb();
  run.fortTerms = await db
    .select({ localId: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code, name: s.taxonomyTerms.name })
    .from(s.taxonomyTerms);
  try {
    const feed = await openFeed(input);
    run.report.format = feed.format;
    for await (const { position, value } of feed.records) {
      await readRecord(run, position, value, db);
      if (run.report.records % 1000 === 0) options.onProgress?.(run.report.records);
    }
    await flush(run, db);
    const { total_pages: pages, page_number: pageNumber } = feed.page;
    if (typeof pages === "number" && pages > 1) {
      run.warn(
        `This file is page ${typeof pageNumber === "number" ? pageNumber : "?"} of ${pages} of its feed, so only that page's records were read. Import the other pages too, or export the whole feed in one file.`,
      );
    }
  } catch (error) {
    if (!(error instanceof FeedError)) throw error;
    run.report.refusal = error.message;
  }
  const { report } = run;
  const importable = (["service", "organisation"] as const).some((e) => report.counts[e].create + report.counts[e].update > 0);
  if (!report.refusal && report.records === 0) report.refusal = "The file holds no records.";
  if (!report.refusal && report.counts.invalid > 0 && !importable && report.counts.service.unchanged === 0) {
    report.refusal = `None of the ${report.records === 1 ? "records" : `${report.records} records`} in this file can be imported: ${report.counts.invalid === 1 ? "it does" : `${report.counts.invalid} do`} not meet the Open Referral UK standard. The reasons are listed below.`;
  }
  if (run.notServiceData > 0) {
    report.warnings.push(
      `${run.notServiceData} taxonomy record${run.notServiceData === 1 ? " was" : "s were"} not imported: FORT keeps its own SHANARRI indicators and categories, and maps other directories' terms to them where they are the same.`,
    );
  }
  if (run.unmappedTerms.size > 0) {
    report.warnings.push(
      `Some services use taxonomy terms FORT does not have, so those terms were left out: ${[...run.unmappedTerms].slice(0, 10).join("; ")}${run.unmappedTerms.size > 10 ? "; …" : ""}.`,
    );
  }
  report.applied = options.apply && !report.refusal;
  report.seconds = Math.round((performance.now() - started) / 10) / 100;
  return report;
}

/** An Open Referral update to a published service, waiting for a coordinator (stored in service_revisions.proposed). */
export interface ImportedProposal {
  kind: "import";
  source: string | null;
  organisationId: string;
  draft: ServiceDraft;
}

export function isImportedProposal(value: unknown): value is ImportedProposal {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "import";
}

/** Publishes an approved import update: the service's record and its places, terms, areas, contacts, hours and languages. */
export async function applyImportedProposal(tx: Database, proposal: ImportedProposal) {
  const { draft, organisationId, source } = proposal;
  const defined = Object.fromEntries(Object.entries(draft.fields).filter(([, v]) => v !== undefined));
  await tx
    .update(s.services)
    .set({ ...defined, organisationId, source, publication: "published", updatedAt: new Date() } as never)
    .where(eq(s.services.id, draft.id));
  await tx.delete(s.serviceAtLocations).where(eq(s.serviceAtLocations.serviceId, draft.id));
  await tx.delete(s.serviceTaxonomyTerms).where(eq(s.serviceTaxonomyTerms.serviceId, draft.id));
  await tx.delete(s.serviceAreas).where(eq(s.serviceAreas.serviceId, draft.id));
  await tx.delete(s.contacts).where(eq(s.contacts.serviceId, draft.id));
  await tx.delete(s.openingHours).where(eq(s.openingHours.serviceId, draft.id));
  if (draft.languages !== undefined) await tx.delete(s.serviceLanguages).where(eq(s.serviceLanguages.serviceId, draft.id));
  const terms = await tx.select({ id: s.taxonomyTerms.id, taxonomy: s.taxonomyTerms.taxonomy, code: s.taxonomyTerms.code }).from(s.taxonomyTerms);
  const termId = new Map(terms.map((t) => [`${t.taxonomy}:${t.code}`, t.id]));
  if (draft.locations.length) await tx.insert(s.serviceAtLocations).values(draft.locations.map((l) => ({ id: l.serviceAtLocationId, serviceId: draft.id, locationId: l.location.id }))).onConflictDoNothing();
  const termRows = draft.terms.map((t) => ({ serviceId: draft.id, taxonomyTermId: termId.get(t)! })).filter((r) => r.taxonomyTermId);
  if (termRows.length) await tx.insert(s.serviceTaxonomyTerms).values(termRows);
  if (draft.areas.length) await tx.insert(s.serviceAreas).values(draft.areas.map((a) => ({ ...a, serviceId: draft.id })));
  if (draft.contacts.length) await tx.insert(s.contacts).values(draft.contacts.map((c) => ({ ...c, serviceId: draft.id })));
  if (draft.hours.length) await tx.insert(s.openingHours).values(draft.hours.map((h) => ({ ...h, serviceId: draft.id })));
  if (draft.languages?.length) await tx.insert(s.serviceLanguages).values(draft.languages.map((l, ordinal) => ({ ...l, ordinal, serviceId: draft.id })));
}
