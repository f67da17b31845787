// Imports an Open Referral feed into the directory. The same code previews (nothing written) and applies
// (docs/decisions/0007): records are matched by id so a re-import updates rather than duplicates,
// every imported service keeps its source and waits for a coordinator's approval.
import { inArray, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { getDb, type Database } from "../db.server";
import { loadServiceTrees } from "./directory.server";
import { type Feed, FeedError, openFeed, type FeedInput } from "./feed.server";
import { isUuid } from "./ids";
import type { Json } from "./map";
import { detached, organisationDraft, serviceDraft, type LocationDraft, type OrganisationDraft, type ServiceDraft } from "./records.server";
import { changedParts, draftFromTree, keepUnsaid, locationChanged, organisationChanged } from "./record-changes.server";
import { checkRecord, type RecordKind } from "./validate.server";
import { type ImportAction, type ImportOptions, type ImportReport, Run } from "./import-run.server";

import { type Writes, locationColumns, organisationColumns, write } from "./import-write.server";

/** Records decided and written together (issue 14: larger batches, fewer transactions; memory stays bounded). */
const BATCH = 1000;

export { MAX_ITEMS, type Entity, type ImportAction, type ImportItem, type ImportOptions, type ImportReport } from "./import-run.server";

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
    const nested: Json = {
      ...service,
      service_at_locations: [{ id: checked.id, service_id: service.id, location_id: checked.location_id, location: checked.location }],
    };
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

/** Decides what each record of the batch does and, when applying, writes the batch in one transaction. */
async function flush(run: Run, db: Database) {
  const batch = run.batch;
  run.batch = [];
  if (batch.length === 0) return;
  const drafts = batch.map((b) => b.draft).filter((d): d is ServiceDraft => d !== null);

  const organisationIds = [
    ...new Set(
      batch
        .flatMap((b) => [b.organisation?.id, b.draft?.organisationId])
        .filter((id): id is string => isUuid(id))
        .map((id) => id.toLowerCase()),
    ),
  ];
  const organisationNames = [...new Set(batch.map((b) => b.organisation?.name.toLowerCase()).filter((n): n is string => !!n))];
  const locationIds = [...new Set(drafts.flatMap((d) => d.locations.map((l) => l.location.id)))];
  const [existingOrganisations, existingByName, existingLocations, existingTrees, existingServiceIds] = await Promise.all([
    organisationIds.length ? db.select(organisationColumns).from(s.organisations).where(inArray(s.organisations.id, organisationIds)) : [],
    organisationNames.length
      ? db
          .select(organisationColumns)
          .from(s.organisations)
          .where(inArray(sql`lower(${s.organisations.name})`, organisationNames))
      : [],
    locationIds.length ? db.select(locationColumns).from(s.locations).where(inArray(s.locations.id, locationIds)) : [],
    loadServiceTrees(
      drafts.map((d) => d.id),
      "all",
    ),
    drafts.length
      ? db
          .select({ id: s.services.id, publication: s.services.publication })
          .from(s.services)
          .where(
            inArray(
              s.services.id,
              drafts.map((d) => d.id),
            ),
          )
      : [],
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
    run.item({
      entity: "organisation",
      position,
      id: newId,
      name: draft.name,
      action: "create",
      reasons: ["New organisation; a coordinator approves it with its services."],
    });
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
  // The batch is written while the next one is read, checked and decided (issue 14): one write at a time, in
  // order. Deciding the next batch does not need this one written: what this import created is in the run's maps.
  await run.pendingWrite;
  const first = batch[0]!.position;
  const last = batch[batch.length - 1]!.position;
  const writing = write(run, db, writes).then(
    () => {
      run.written += writes.services.create.length + writes.services.update.length;
    },
    (error: unknown) => {
      throw new FeedError(
        `FORT could not save the records from ${first} to ${last} (${error instanceof Error ? error.message : String(error)}). Nothing from them was saved; records before them were imported and are awaiting approval. Fix the file and import it again: records already imported will show as unchanged.`,
      );
    },
  );
  // Handled when awaited (next batch or the end); this only keeps Node from calling it unhandled meanwhile.
  writing.catch(() => {});
  run.pendingWrite = writing;
}

export interface ImportProgress {
  /** Records read and checked so far. */
  records: number;
  /** Services written (apply) so far. */
  written: number;
  /** How many records the file holds, when known, else an estimate from the bytes read (null before any). */
  total: number | null;
  totalIsEstimate: boolean;
  /** Records a second so far. */
  rate: number;
  /** Seconds left at that rate, when the total is known or estimated. */
  secondsLeft: number | null;
  seconds: number;
}

/** Reports progress to options.onProgress at most every half second (and once at the end). */
function progressMeter(run: Run, feed: Feed, started: number) {
  let last = 0;
  return (final: boolean) => {
    const onProgress = run.options.onProgress;
    if (!onProgress) return;
    const now = performance.now();
    if (!final && now - last < 500) return;
    last = now;
    const seconds = (now - started) / 1000;
    const records = run.report.records;
    const { bytesRead, bytesTotal } = feed.progress;
    const fraction = bytesTotal ? Math.min(1, bytesRead / bytesTotal) : null;
    const total = final ? records : fraction && records > 0 ? Math.max(records, Math.round(records / fraction)) : null;
    const rate = seconds > 0 ? records / seconds : 0;
    onProgress({
      records,
      written: run.written,
      total,
      totalIsEstimate: !final,
      rate,
      secondsLeft: final ? 0 : total !== null && rate > 0 ? Math.max(0, (total - records) / rate) : null,
      seconds,
    });
  };
}

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
    const progress = progressMeter(run, feed, started);
    for await (const { position, value } of feed.records) {
      await readRecord(run, position, value, db);
      if (run.report.records % 100 === 0) {
        progress(false);
        // PGlite answers on this thread through promises alone, so an import would otherwise never let the event
        // loop reach its timers and sockets: the server could not answer (not even the import's progress page).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await flush(run, db);
    await run.pendingWrite;
    progress(true);
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
