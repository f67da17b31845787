// Exports the directory as an Open Referral feed: one JSON document (a single page holding every
// service, fully nested, with FORT's extension fields so nothing is lost) or the tabular CSV form in a zip.
import { count, ne, sql } from "drizzle-orm";
import { stringify } from "csv-stringify/sync";
import { strToU8, zipSync } from "fflate";
import * as s from "../../db/schema";
import { getDb } from "../db.server";
import { allTerms, loadServiceTrees, serviceIdBatches, type Scope } from "./directory.server";
import { FORT_TAXONOMIES, orukService, orukTaxonomy } from "./map";
import { TableBuilder } from "./tabular";

export type ExportFormat = "json" | "tabular";

/** Every service in scope as a fully nested ORUK record with FORT's extension fields, in name order. */
export async function* exportedServices(scope: Scope) {
  for await (const ids of serviceIdBatches(scope)) {
    for (const tree of await loadServiceTrees(ids, scope)) yield orukService(tree, { extensions: true });
  }
}

async function countServices(scope: Scope) {
  const db = await getDb();
  const [row] = await db
    .select({ n: count() })
    .from(s.services)
    .where(scope === "public" ? sql`${s.services.publication} = 'published' and ${ne(s.services.status, "inactive")}` : sql`true`);
  return row?.n ?? 0;
}

/**
 * The JSON feed as text chunks, written as it is read so memory stays flat: a page envelope (valid as
 * an ORUK service list) whose `contents` holds every service.
 */
export async function* exportJsonChunks(scope: Scope): AsyncGenerator<string> {
  const total = await countServices(scope);
  yield `{"total_items":${total},"total_pages":1,"page_number":1,"size":${total},"first_page":true,"last_page":true,"empty":${total === 0},"contents":[`;
  let first = true;
  for await (const service of exportedServices(scope)) {
    yield `${first ? "\n" : ",\n"}${JSON.stringify(service)}`;
    first = false;
  }
  yield "\n]}\n";
}

export function exportJsonStream(scope: Scope): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = exportJsonChunks(scope);
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** The tabular form: one CSV per HSDS table, zipped. */
export async function exportTabularZip(scope: Scope): Promise<Uint8Array> {
  const builder = new TableBuilder();
  for await (const service of exportedServices(scope)) builder.addService(service);
  const terms = await allTerms();
  for (const taxonomy of FORT_TAXONOMIES)
    builder.addTaxonomy(
      orukTaxonomy(
        taxonomy.code,
        terms.filter((t) => t.taxonomy === taxonomy.code),
      ),
    );
  const files: Record<string, Uint8Array> = {};
  for (const table of builder.build()) {
    files[table.file] = strToU8(stringify(table.rows, { header: true, columns: table.columns, bom: false }));
  }
  return zipSync(files, { level: 6 });
}

export function exportFileName(format: ExportFormat, date = new Date()) {
  const day = date.toISOString().slice(0, 10);
  return format === "json" ? `fort-directory-${day}.json` : `fort-directory-${day}-tabular.zip`;
}
