// Reads an Open Referral feed one record at a time, whatever its form: a JSON document (one record, an
// array, or a page `{…, contents: [...]}`), newline-delimited JSON, or the standard's tabular form (CSV
// files, zipped or not, or the `{"services.csv": [...]}` JSON of the HSDS examples). JSON is streamed, so
// a feed of any size is read in bounded memory.
import { createReadStream } from "node:fs";
import { open, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable, Transform } from "node:stream";
import { parse as parseCsv } from "csv-parse/sync";
import { unzipSync } from "fflate";
import Assembler from "stream-json/assembler.js";
import { parser } from "stream-json";
import { assembleTabular, tableName, type Tables } from "./tabular";

export type FeedFormat = "json" | "ndjson" | "tabular";

export interface FeedRecord {
  /** Where in the file the record is, for messages: "contents[3]", "line 12", "services.csv". */
  position: string;
  value: unknown;
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

/** A feed to read: a path on disk (file, or a folder of CSV files), or files uploaded in the browser. */
export type FeedInput = { path: string } | { files: UploadedFile[] };

export class FeedError extends Error {}

export interface Feed {
  format: FeedFormat;
  records: AsyncGenerator<FeedRecord>;
  /** The top-level fields of a paged document (total_pages, page_number…), once the records are read. */
  page: Record<string, unknown>;
  /** How far through the file the reader is, for progress (bytesTotal null when not known). */
  progress: { bytesRead: number; bytesTotal: number | null };
}

/** Counts the bytes that pass, for progress. */
function counted(source: Readable, progress: Feed["progress"]): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      progress.bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  source.on("error", (error) => counter.destroy(error));
  return source.pipe(counter);
}

/** A feed read whole before its records (tabular): progress is by records only. */
const noBytes = () => ({ bytesRead: 0, bytesTotal: null });

const PEEK_BYTES = 64 * 1024;
const decoder = new TextDecoder();

function isZip(bytes: Uint8Array) {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function detectTextFormat(name: string, head: string): "json" | "ndjson" | "tabular-json" | "csv" {
  if (/\.(ndjson|jsonl)$/i.test(name)) return "ndjson";
  if (/\.csv$/i.test(name)) return "csv";
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (/^\{\s*"[^"]+\.csv"\s*:/.test(text)) return "tabular-json";
  if (text.startsWith("{")) {
    const newline = text.indexOf("\n");
    if (newline > 0 && text.slice(newline).trimStart().startsWith("{")) {
      try {
        JSON.parse(text.slice(0, newline));
        return "ndjson";
      } catch {
        // A pretty-printed document, not one record per line.
      }
    }
  }
  if (text.startsWith("{") || text.startsWith("[")) return "json";
  throw new FeedError(
    `${name} is not an Open Referral feed FORT can read: it should be JSON (a service, an organisation or a page of them), newline-delimited JSON, CSV files in the standard's tabular form, or a zip of those CSV files.`,
  );
}

export async function openFeed(input: FeedInput): Promise<Feed> {
  if ("files" in input) {
    if (input.files.length === 0) throw new FeedError("Choose a file to import.");
    if (input.files.length > 1 || /\.csv$/i.test(input.files[0]!.name) || isZip(input.files[0]!.bytes)) {
      return { format: "tabular", records: tabularRecords(await tablesFromFiles(input.files)), page: {}, progress: noBytes() };
    }
    const file = input.files[0]!;
    const format = detectTextFormat(file.name, decoder.decode(file.bytes.subarray(0, PEEK_BYTES)));
    if (format === "tabular-json")
      return { format: "tabular", records: tabularRecords(tablesFromJson(file.name, decoder.decode(file.bytes))), page: {}, progress: noBytes() };
    const progress = { bytesRead: 0, bytesTotal: file.bytes.byteLength };
    // In slices, so the bytes read (progress) advance as the records are.
    const slices = function* () {
      for (let at = 0; at < file.bytes.byteLength; at += PEEK_BYTES)
        yield Buffer.from(file.bytes.buffer, file.bytes.byteOffset + at, Math.min(PEEK_BYTES, file.bytes.byteLength - at));
    };
    const stream = () => counted(Readable.from(slices()), progress);
    const page = {};
    return format === "ndjson"
      ? { format, records: ndjsonRecords(stream()), page, progress }
      : { format: "json", records: jsonRecords(stream(), file.name, page), page, progress };
  }

  const info = await stat(input.path).catch(() => null);
  if (!info) throw new FeedError(`There is no file or folder at ${input.path}.`);
  if (info.isDirectory()) {
    const names = (await readdir(input.path)).filter((n) => /\.csv$/i.test(n));
    if (names.length === 0) throw new FeedError(`${input.path} has no CSV files in it.`);
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(input.path, name)) })));
    return { format: "tabular", records: tabularRecords(await tablesFromFiles(files)), page: {}, progress: noBytes() };
  }
  const handle = await open(input.path);
  const head = Buffer.alloc(Math.min(PEEK_BYTES, info.size));
  await handle.read(head, 0, head.length, 0);
  await handle.close();
  const name = path.basename(input.path);
  if (isZip(head) || /\.csv$/i.test(name))
    return { format: "tabular", records: tabularRecords(await tablesFromFiles([{ name, bytes: await readFile(input.path) }])), page: {}, progress: noBytes() };
  const format = detectTextFormat(name, head.toString("utf8"));
  if (format === "tabular-json")
    return { format: "tabular", records: tabularRecords(tablesFromJson(name, await readFile(input.path, "utf8"))), page: {}, progress: noBytes() };
  const page = {};
  const progress = { bytesRead: 0, bytesTotal: info.size };
  if (format === "ndjson") return { format, records: ndjsonRecords(counted(createReadStream(input.path), progress)), page, progress };
  return { format: "json", records: jsonRecords(counted(createReadStream(input.path), progress), name, page), page, progress };
}

type Token = { name: string; value?: unknown };
const VALUE_START = new Set(["startObject", "startArray", "stringValue", "numberValue", "nullValue", "trueValue", "falseValue"]);

/**
 * Yields each record of a JSON document without holding the whole document: elements of a top-level
 * array, elements of a page's `contents`, or the top-level object itself when it is a single record.
 */
async function* jsonRecords(source: Readable, name: string, page: Record<string, unknown>): AsyncGenerator<FeedRecord> {
  const tokens = source.pipe(parser.asStream({ streamValues: false, streamKeys: false }));
  let mode: "array" | "object" | null = null;
  let inContents = false;
  let sawContents = false;
  let index = 0;
  let key: string | null = null;
  let assembler = null as Assembler | null;
  let assembling: "item" | "property" = "item";
  const top: Record<string, unknown> = {};
  try {
    for await (const token of tokens as AsyncIterable<Token>) {
      const active = assembler as Assembler | null;
      if (active) {
        active.consume(token as never);
        if (active.done) {
          const value = active.current;
          assembler = null;
          if (assembling === "item") yield { position: inContents ? `contents[${index}]` : `[${index}]`, value };
          else top[key!] = value;
          if (assembling === "item") index += 1;
        }
        continue;
      }
      if (mode === null) {
        if (token.name === "startArray") mode = "array";
        else if (token.name === "startObject") mode = "object";
        else throw new FeedError(`${name} should hold a JSON object or array.`);
        continue;
      }
      const startAssembling = (as: "item" | "property") => {
        assembler = new Assembler();
        assembling = as;
        assembler.consume(token as never);
        if (assembler.done) return true;
        return false;
      };
      if (mode === "array" || inContents) {
        if (token.name === "endArray") {
          if (inContents) inContents = false;
          continue;
        }
        if (VALUE_START.has(token.name) && startAssembling("item")) {
          const value = (assembler as Assembler | null)?.current;
          assembler = null;
          yield { position: inContents ? `contents[${index}]` : `[${index}]`, value };
          index += 1;
        }
        continue;
      }
      // A top-level object: its keys, and the value of each.
      if (token.name === "keyValue") {
        key = String(token.value);
        continue;
      }
      if (token.name === "endObject") continue;
      if (key === "contents" && token.name === "startArray") {
        inContents = true;
        sawContents = true;
        index = 0;
        continue;
      }
      if (VALUE_START.has(token.name) && startAssembling("property")) {
        top[key!] = (assembler as Assembler | null)?.current;
        assembler = null;
      }
    }
  } catch (error) {
    if (error instanceof FeedError) throw error;
    throw new FeedError(`${name} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (mode === "object" && !sawContents) yield { position: "the document", value: top };
  if (sawContents) Object.assign(page, top);
}

async function* ndjsonRecords(source: Readable): AsyncGenerator<FeedRecord> {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (!text.trim()) continue;
    try {
      yield { position: `line ${line}`, value: JSON.parse(text) };
    } catch {
      yield { position: `line ${line}`, value: new SyntaxError(`line ${line} is not valid JSON`) };
    }
  }
}

function readCsv(name: string, text: string): Record<string, string>[] {
  try {
    return parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (error) {
    throw new FeedError(`${name} is not a CSV file FORT can read (${error instanceof Error ? error.message : String(error)}).`);
  }
}

async function tablesFromFiles(files: UploadedFile[]): Promise<Tables> {
  const tables: Tables = new Map();
  for (const file of files) {
    if (isZip(file.bytes)) {
      let entries: Record<string, Uint8Array>;
      try {
        entries = unzipSync(file.bytes, { filter: (f) => /\.csv$/i.test(f.name) && !f.name.startsWith("__MACOSX") });
      } catch {
        throw new FeedError(`${file.name} could not be opened as a zip file.`);
      }
      for (const [entry, bytes] of Object.entries(entries)) {
        const table = tableName(path.basename(entry));
        if (table) tables.set(table, readCsv(entry, decoder.decode(bytes)));
      }
    } else if (/\.csv$/i.test(file.name)) {
      const table = tableName(file.name);
      if (table) tables.set(table, readCsv(file.name, decoder.decode(file.bytes)));
    } else {
      throw new FeedError(`${file.name} is not a CSV file. To import the tabular form, choose all its CSV files at once, or a zip of them.`);
    }
  }
  if (!tables.has("services") && !tables.has("organizations")) {
    throw new FeedError("The tabular feed needs at least services.csv or organizations.csv.");
  }
  return tables;
}

function tablesFromJson(name: string, text: string): Tables {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new FeedError(`${name} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  }
  const tables: Tables = new Map();
  for (const [file, rows] of Object.entries(data)) {
    const table = tableName(file);
    if (table && Array.isArray(rows)) {
      tables.set(
        table,
        rows.map((row) =>
          Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)])),
        ),
      );
    }
  }
  return tables;
}

async function* tabularRecords(tables: Tables): AsyncGenerator<FeedRecord> {
  yield* assembleTabular(tables);
}
