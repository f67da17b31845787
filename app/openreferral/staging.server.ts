// An import from the browser in two steps: the upload is kept and previewed, and only a coordinator's
// confirmation applies it (docs/decisions/0007). Each coordinator sees only their own imports.
import { and, desc, eq, lt, notInArray, sql } from "drizzle-orm";
import { strToU8, zipSync } from "fflate";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import type { CurrentUser } from "../auth/session.server";
import { assertMay, importScope } from "../auth/policy.server";
import { getDb } from "../db.server";
import { Conflict } from "../domain/errors";
import { log } from "../log.server";
import type { UploadedFile } from "./feed.server";
import { isUuid } from "./ids";
import { importFeed, type ImportReport } from "./import.server";

export interface StagedImport {
  id: string;
  fileName: string;
  source: string;
  format: string;
  byteSize: number;
  state: "previewed" | "applying" | "applied" | "discarded";
  preview: ImportReport;
  result: ImportReport | null;
  /** While applying, and after a run that did not finish (with its `failure`). */
  progress: ImportRunProgress | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** The import was already applied or cancelled, or has nothing to apply: a conflict (409). */
export class ImportStateError extends Conflict {}

/** What is stored: one file as uploaded, or several CSV files zipped together. */
function storedUpload(files: UploadedFile[]): UploadedFile {
  if (files.length === 1) return files[0]!;
  return { name: "tabular.zip", bytes: zipSync(Object.fromEntries(files.map((f) => [f.name.replace(/^.*[\\/]/, ""), f.bytes]))) };
}

export async function stageImport(user: CurrentUser, files: UploadedFile[], source: string | undefined): Promise<string> {
  assertMay(user, "imports.run");
  const fileName = files.map((f) => f.name).join(", ");
  const provenance = source?.trim() || fileName;
  const preview = await importFeed({ files }, { source: provenance, apply: false });
  const upload = storedUpload(files);
  const db = await getDb();
  const [row] = await db
    .insert(s.openReferralImports)
    .values({
      createdBy: user.id,
      fileName,
      source: provenance,
      format: preview.format ?? "unknown",
      content: upload.bytes,
      byteSize: files.reduce((sum, f) => sum + f.bytes.byteLength, 0),
      preview,
    })
    .returning({ id: s.openReferralImports.id });
  return row!.id;
}

const columns = {
  id: s.openReferralImports.id,
  fileName: s.openReferralImports.fileName,
  source: s.openReferralImports.source,
  format: s.openReferralImports.format,
  byteSize: s.openReferralImports.byteSize,
  state: s.openReferralImports.state,
  preview: s.openReferralImports.preview,
  result: s.openReferralImports.result,
  progress: s.openReferralImports.progress,
  createdAt: s.openReferralImports.createdAt,
  decidedAt: s.openReferralImports.decidedAt,
};

/**
 * One of this coordinator's imports, or null (not theirs, no such id, not an id). An import still "applying"
 * whose progress has not been written for STALE_AFTER_MS is recovered first: its server stopped, and the
 * coordinator must be able to import it again rather than watch it "applying" for ever.
 */
export async function getStagedImport(user: CurrentUser, id: string | undefined): Promise<StagedImport | null> {
  if (!isUuid(id)) return null;
  const db = await getDb();
  const [found] = await db
    .select({ state: s.openReferralImports.state, progressAt: s.openReferralImports.progressAt })
    .from(s.openReferralImports)
    .where(and(eq(s.openReferralImports.id, id), importScope(user)));
  if (!found) return null;
  if (found.state === "applying" && (!found.progressAt || Date.now() - found.progressAt.getTime() > STALE_AFTER_MS)) await recoverStoppedImports({ id });
  const [row] = await db
    .select(columns)
    .from(s.openReferralImports)
    .where(and(eq(s.openReferralImports.id, id), importScope(user)));
  return (row as StagedImport | undefined) ?? null;
}

export async function recentImports(user: CurrentUser, limit = 10) {
  const db = await getDb();
  const rows = await db
    .select({
      id: columns.id,
      fileName: columns.fileName,
      state: columns.state,
      createdAt: columns.createdAt,
      preview: columns.preview,
      result: columns.result,
    })
    .from(s.openReferralImports)
    .where(importScope(user))
    .orderBy(desc(s.openReferralImports.createdAt))
    .limit(limit);
  return rows as Pick<StagedImport, "id" | "fileName" | "state" | "createdAt" | "preview" | "result">[];
}

/** What the page shows while an import is applied, and why the last run stopped when it did not finish. */
export interface ImportRunProgress {
  /** Records read and decided so far. */
  records: number;
  /** Records in the file: counted by the preview, so exact. */
  total: number;
  /** Services written so far (created or updated). */
  written: number;
  /** Records a second so far. */
  rate: number;
  /** Seconds left at that rate, when there is a rate. */
  secondsLeft: number | null;
  seconds: number;
  /** Set when the run stopped before it finished: a sentence for the coordinator (no internals). */
  failure?: string;
}

/** How often a run writes its progress at most, and writes it anyway so the page can tell it is still alive. */
const PROGRESS_WRITE_MS = 1_000;
const HEARTBEAT_MS = 20_000;
/** A run whose progress has not been written for this long has stopped: its server was restarted or died. */
export const STALE_AFTER_MS = 2 * 60_000;

const STOPPED_MESSAGE =
  "The import stopped before it finished, because FORT was restarted while it ran. Services saved before it stopped are awaiting approval.";

/**
 * Imports applied by this server, by id. The database row is what the page reads; this only lets tests (and a
 * caller that wants the report) wait for a run, and keeps a stale check from failing a run that is alive here.
 */
const running = new Map<string, Promise<ImportReport>>();

interface Claimed {
  content: Uint8Array;
  fileName: string;
  source: string;
  preview: ImportReport;
}

/**
 * Claims a previewed import for applying. The state changes first, in one statement, so a double click or two
 * coordinators cannot apply it twice (the second gets ImportStateError, 409).
 */
async function claimStagedImport(user: CurrentUser, id: string): Promise<Claimed> {
  const db = await getDb();
  if (!isUuid(id)) throw new ImportStateError("This import has already been applied or cancelled.");
  const [claimed] = await db
    .update(s.openReferralImports)
    .set({
      state: "applying",
      decidedAt: new Date(),
      // Set with the claim, so the page never shows a run without its count: the preview counted the records.
      progress: sql`jsonb_build_object('records', 0, 'total', (${s.openReferralImports.preview} ->> 'records')::int, 'written', 0, 'rate', 0, 'secondsLeft', null, 'seconds', 0)`,
      progressAt: new Date(),
    })
    .where(and(eq(s.openReferralImports.id, id), importScope(user), eq(s.openReferralImports.state, "previewed")))
    .returning({
      content: s.openReferralImports.content,
      fileName: s.openReferralImports.fileName,
      source: s.openReferralImports.source,
      preview: s.openReferralImports.preview,
    });
  if (!claimed) throw new ImportStateError("This import has already been applied or cancelled.");
  const preview = claimed.preview as ImportReport;
  if (preview.refusal) {
    await db.update(s.openReferralImports).set({ state: "previewed", decidedAt: null, progress: null }).where(eq(s.openReferralImports.id, id));
    throw new ImportStateError("Nothing in this file can be imported, so there is nothing to confirm.");
  }
  return { ...claimed, preview };
}

/** Puts a run that did not finish back to "previewed", with the reason, so the coordinator can import it again. */
async function markRetryable(id: string, failure: string, last: ImportRunProgress | null) {
  const db = await getDb();
  const progress: ImportRunProgress = { ...(last ?? { records: 0, total: 0, written: 0, rate: 0, secondsLeft: null, seconds: 0 }), failure };
  await db
    .update(s.openReferralImports)
    .set({ state: "previewed", decidedAt: null, progress, progressAt: new Date() })
    .where(and(eq(s.openReferralImports.id, id), eq(s.openReferralImports.state, "applying")));
}

/**
 * Applies a claimed import, writing its progress to the row at most every second (and a heartbeat every 20
 * seconds), so whichever server answers the coordinator's page can show it. Ends "applied" with the report, or
 * back to "previewed" with the reason; the stored upload is dropped only once it has been applied.
 */
async function runClaimedImport(user: CurrentUser, id: string, claimed: Claimed): Promise<ImportReport> {
  const db = await getDb();
  const total = claimed.preview.records;
  let latest: ImportRunProgress = { records: 0, total, written: 0, rate: 0, secondsLeft: null, seconds: 0 };
  let changed = false;
  let lastWrite = performance.now();
  let writing: Promise<unknown> = Promise.resolve();
  const writeProgress = () => {
    changed = false;
    lastWrite = performance.now();
    const progress = latest;
    // One write at a time, in order; a failed progress write is not worth stopping the import for.
    writing = writing
      .then(() =>
        db
          .update(s.openReferralImports)
          .set({ progress, progressAt: new Date() })
          .where(and(eq(s.openReferralImports.id, id), eq(s.openReferralImports.state, "applying"))),
      )
      .catch((error: unknown) => log.warn({ err: error, importId: id }, "import progress could not be saved"));
  };
  const timer = setInterval(() => {
    if (changed || performance.now() - lastWrite >= HEARTBEAT_MS) writeProgress();
  }, PROGRESS_WRITE_MS);
  timer.unref();
  const started = performance.now();
  log.info({ importId: id, records: total }, "open referral import started");
  try {
    const name = claimed.fileName.includes(", ") ? "tabular.zip" : claimed.fileName;
    const result = await importFeed(
      { files: [{ name, bytes: claimed.content }] },
      {
        source: claimed.source,
        apply: true,
        onProgress: (p) => {
          // The preview counted the records, so "of how many" is exact rather than the reader's estimate.
          const of = Math.max(total, p.records);
          latest = {
            records: p.records,
            total: of,
            written: p.written,
            rate: p.rate,
            secondsLeft: p.rate > 0 ? Math.max(0, (of - p.records) / p.rate) : null,
            seconds: p.seconds,
          };
          changed = true;
        },
      },
    );
    clearInterval(timer);
    await writing;
    if (!result.applied) {
      // importFeed turns a batch that could not be saved into a refusal that names the records: the coordinator's message.
      log.warn({ importId: id, records: latest.records, written: latest.written }, "open referral import stopped: a batch could not be saved");
      await markRetryable(id, result.refusal ?? "FORT could not finish the import.", latest);
      throw new ImportRunError(result.refusal ?? "FORT could not finish the import.");
    }
    await db.transaction(async (tx) => {
      await tx
        .update(s.openReferralImports)
        .set({ state: "applied", result, content: strToU8(""), progress: { ...latest, records: result.records, secondsLeft: 0 }, progressAt: new Date() })
        .where(eq(s.openReferralImports.id, id));
      await audit(
        {
          actorId: user.id,
          action: "open_referral_import_applied",
          subjectType: "open_referral_import",
          subjectId: id,
          details: { source: claimed.source, services: result.counts.service, organisations: result.counts.organisation },
        },
        tx as never,
      );
    });
    log.info({ importId: id, records: result.records, seconds: Math.round((performance.now() - started) / 1000) }, "open referral import applied");
    return result;
  } catch (error) {
    clearInterval(timer);
    await writing;
    if (error instanceof ImportRunError) throw error;
    log.error({ err: error, importId: id, records: latest.records, written: latest.written }, "open referral import failed");
    await markRetryable(
      id,
      "FORT could not finish the import because of a problem on the server. Services saved before it stopped are awaiting approval.",
      latest,
    ).catch((e: unknown) => log.error({ err: e, importId: id }, "failed import could not be marked for a retry"));
    throw new ImportRunError("FORT could not finish the import because of a problem on the server.");
  }
}

/** A run that did not finish; the import is back in "previewed" with this reason in its progress. */
export class ImportRunError extends Error {}

/**
 * Starts applying a previewed import in the background and returns at once; the page follows the row's progress.
 * Refuses (ImportStateError, 409) an import that is not waiting for confirmation, or not this coordinator's.
 */
export async function startStagedImport(user: CurrentUser, id: string): Promise<void> {
  const claimed = await claimStagedImport(user, id);
  const run = runClaimedImport(user, id, claimed).finally(() => running.delete(id));
  // The outcome is in the row (and logged); nobody awaits a background run, so its refusal is handled here.
  run.catch(() => {});
  running.set(id, run);
}

/** Applies a previewed import and waits for it (scripts and tests); a run that fails throws ImportRunError. */
export async function applyStagedImport(user: CurrentUser, id: string): Promise<ImportReport> {
  await startStagedImport(user, id);
  return running.get(id)!;
}

/** Waits for a background run on this server, if there is one (tests; a graceful shutdown could use it). */
export async function settledImport(id: string): Promise<void> {
  await running.get(id)?.catch(() => {});
}

/**
 * Runs that stopped without finishing (their server was restarted or died) go back to "previewed", saying so.
 * `all`: at start-up of the embedded database, where no other process can be running one.
 */
export async function recoverStoppedImports(options: { all?: boolean; id?: string } = {}): Promise<number> {
  const db = await getDb();
  const conditions = [eq(s.openReferralImports.state, "applying")];
  if (!options.all) conditions.push(lt(s.openReferralImports.progressAt, new Date(Date.now() - STALE_AFTER_MS)));
  if (options.id) conditions.push(eq(s.openReferralImports.id, options.id));
  const alive = [...running.keys()];
  if (alive.length) conditions.push(notInArray(s.openReferralImports.id, alive));
  const stopped = await db
    .update(s.openReferralImports)
    .set({
      state: "previewed",
      decidedAt: null,
      progress: sql`coalesce(${s.openReferralImports.progress}, '{}'::jsonb) || ${JSON.stringify({ failure: STOPPED_MESSAGE })}::jsonb`,
      progressAt: new Date(),
    })
    .where(and(...conditions))
    .returning({ id: s.openReferralImports.id });
  if (stopped.length) log.warn({ imports: stopped.map((r) => r.id) }, "open referral imports that stopped part-way can be imported again");
  return stopped.length;
}

export async function discardStagedImport(user: CurrentUser, id: string) {
  const db = await getDb();
  const [row] = await db
    .update(s.openReferralImports)
    .set({ state: "discarded", decidedAt: new Date(), content: strToU8("") })
    .where(and(eq(s.openReferralImports.id, id), importScope(user), eq(s.openReferralImports.state, "previewed")))
    .returning({ id: s.openReferralImports.id });
  if (!row) throw new ImportStateError("This import has already been applied or cancelled.");
}
