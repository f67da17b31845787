// An import from the browser in two steps: the upload is kept and previewed, and only a coordinator's
// confirmation applies it (docs/decisions/0007). Each coordinator sees only their own imports.
import { and, desc, eq } from "drizzle-orm";
import { strToU8, zipSync } from "fflate";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import type { CurrentUser } from "../auth/session.server";
import { assertMay, importScope } from "../auth/policy.server";
import { getDb } from "../db.server";
import { Conflict } from "../domain/errors";
import type { UploadedFile } from "./feed.server";
import { isUuid } from "./ids";
import { importFeed, type ImportReport } from "./import.server";

export interface StagedImport {
  id: string;
  fileName: string;
  source: string;
  format: string;
  byteSize: number;
  state: "previewed" | "applied" | "discarded";
  preview: ImportReport;
  result: ImportReport | null;
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
  createdAt: s.openReferralImports.createdAt,
  decidedAt: s.openReferralImports.decidedAt,
};

export async function getStagedImport(user: CurrentUser, id: string | undefined): Promise<StagedImport | null> {
  if (!isUuid(id)) return null;
  const db = await getDb();
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

/**
 * Applies a previewed import. The state changes first, in one statement, so a double click or two
 * coordinators cannot apply it twice; the stored upload is dropped once it has been used.
 */
export async function applyStagedImport(user: CurrentUser, id: string): Promise<ImportReport> {
  const db = await getDb();
  const [claimed] = await db
    .update(s.openReferralImports)
    .set({ state: "applied", decidedAt: new Date() })
    .where(and(eq(s.openReferralImports.id, id), importScope(user), eq(s.openReferralImports.state, "previewed")))
    .returning({
      content: s.openReferralImports.content,
      fileName: s.openReferralImports.fileName,
      source: s.openReferralImports.source,
      preview: s.openReferralImports.preview,
    });
  if (!claimed) throw new ImportStateError("This import has already been applied or cancelled.");
  if ((claimed.preview as ImportReport).refusal) {
    await db.update(s.openReferralImports).set({ state: "previewed", decidedAt: null }).where(eq(s.openReferralImports.id, id));
    throw new ImportStateError("Nothing in this file can be imported, so there is nothing to confirm.");
  }
  const name = claimed.fileName.includes(", ") ? "tabular.zip" : claimed.fileName;
  let result: ImportReport;
  try {
    result = await importFeed({ files: [{ name, bytes: claimed.content }] }, { source: claimed.source, apply: true });
  } catch (error) {
    await db.update(s.openReferralImports).set({ state: "previewed", decidedAt: null }).where(eq(s.openReferralImports.id, id));
    throw error;
  }
  await db.transaction(async (tx) => {
    await tx
      .update(s.openReferralImports)
      .set({ result, content: strToU8("") })
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
  return result;
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
