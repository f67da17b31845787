// Writing many new rows at once with PostgreSQL's COPY (issue 14: a 100 MB feed). Drizzle builds a multi-row
// INSERT by walking every value of every row through its SQL builder, and PostgreSQL then parses and plans a
// statement of thousands of parameters; for an import batch that cost more than the rows' own writing. COPY sends
// the rows as text in one stream instead. Same columns, same defaults, same constraints and triggers: only the
// transport differs. PGlite (the embedded engine) keeps drizzle's INSERT: its feeds are small and it has no
// COPY FROM STDIN.
import { SQL, getTableColumns, getTableName } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { PostgresJsTransaction } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import { type Database, withoutNagle } from "../db.server";

/** The postgres.js connection of a drizzle transaction on PostgreSQL, or null on PGlite. */
function copyClient(tx: Database): postgres.TransactionSql | null {
  if (!(tx instanceof PostgresJsTransaction)) return null;
  return (tx as unknown as { session: { client: postgres.TransactionSql } }).session.client;
}

/** One value in COPY's text format: \N for null, and backslash, tab, newline and carriage return escaped. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  let text: string;
  if (typeof value === "string") text = value;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "boolean") text = value ? "t" : "f";
  else if (typeof value === "number" || typeof value === "bigint") text = String(value);
  else text = JSON.stringify(value);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));
}

/**
 * Inserts `rows` (objects keyed like drizzle's insert values) into `table`. On PostgreSQL the rows go through
 * `COPY … FROM STDIN`, grouped by which columns they give so that a column a row leaves out takes its default as it
 * would with INSERT; elsewhere through drizzle's INSERT, 1,000 rows to a statement.
 */
export async function insertMany(tx: Database, table: PgTable, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const client = copyClient(tx);
  if (!client) {
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(table).values(rows.slice(i, i + 1000) as never);
    return;
  }
  const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
  const groups = new Map<string, { columns: [string, PgColumn][]; lines: string[] }>();
  for (const row of rows) {
    const values: unknown[] = [];
    const given: [string, PgColumn][] = [];
    for (const [key, column] of columns) {
      let value = row[key];
      if (value === undefined && column.defaultFn) value = column.defaultFn();
      if (value === undefined) continue;
      if (value instanceof SQL) throw new Error(`insertMany: ${key} is an SQL expression, which COPY cannot send`);
      given.push([key, column]);
      values.push(value === null ? null : column.mapToDriverValue(value));
    }
    const signature = given.map(([key]) => key).join(",");
    let group = groups.get(signature);
    if (!group) groups.set(signature, (group = { columns: given, lines: [] }));
    group.lines.push(values.map(copyText).join("\t"));
  }
  const name = getTableName(table);
  await withoutNagle(async () => {
    for (const group of groups.values()) {
      const list = group.columns.map(([, column]) => `"${column.name}"`).join(", ");
      const writable = await client.unsafe(`copy "${name}" (${list}) from stdin`).writable();
      await new Promise<void>((resolve, reject) => {
        writable.on("error", reject);
        writable.on("finish", resolve);
        // Sent in slices of about a megabyte: one string per batch would be copied whole into the socket's buffer.
        let slice: string[] = [];
        let size = 0;
        for (const line of group.lines) {
          slice.push(line);
          size += line.length + 1;
          if (size > 1 << 20) {
            writable.write(`${slice.join("\n")}\n`);
            slice = [];
            size = 0;
          }
        }
        writable.end(slice.length ? `${slice.join("\n")}\n` : undefined);
      });
    }
  });
}
