// Bulk import of an Open Referral UK feed from the command line: the same rules as the coordinators'
// import page (preview with --dry-run; imported services await approval), but streamed from disk, so
// feeds of any size load in bounded memory.
//   npm run oruk:import -- feed.json [--dry-run] [--source "https://…"] [--verbose]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { FeedError } from "../app/openreferral/feed.server";
import { harvestServices } from "../app/openreferral/harvest.server";
import { databaseHandle, migrateDatabase } from "../app/db.server";
import { importFeed, type ImportProgress, type ImportReport } from "../app/openreferral/import.server";
import { seedReferenceData } from "../db/seed/reference-data";
import { log } from "../app/log.server";

const USAGE = `Usage: npm run oruk:import -- <feed.json | feed.ndjson | tabular.zip | folder of CSV files | https://…/api> [--dry-run] [--source TEXT] [--verbose]
  An http(s) address is read as another directory's Open Referral API: every page of /services, then each /services/{id}.`;

function summary(report: ImportReport) {
  const line = (label: string, c: ImportReport["counts"]["service"]) =>
    `  ${label.padEnd(14)} ${c.create} new, ${c.update} updated, ${c.unchanged} unchanged, ${c.skip} skipped`;
  return [
    `${report.applied ? "Imported" : "Preview (nothing changed)"}: ${report.records} records read as ${report.format ?? "unknown"} in ${report.seconds} s`,
    line("Services", report.counts.service),
    line("Organisations", report.counts.organisation),
    line("Locations", report.counts.location),
    report.counts.invalid ? `  ${report.counts.invalid} records do not meet the Open Referral UK standard` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

/** "12,000 of about 40,000 records (30%), 2,950/s, about 10 s left": the total is an estimate from the bytes read. */
export function progressLine(p: ImportProgress) {
  const n = (x: number) => Math.round(x).toLocaleString("en-GB");
  const of = p.total === null ? "" : ` of ${p.totalIsEstimate ? "about " : ""}${n(p.total)}`;
  const percent = p.total ? ` (${Math.floor((p.records / p.total) * 100)}%)` : "";
  const left =
    p.secondsLeft === null
      ? ""
      : p.secondsLeft > 0
        ? `, about ${p.secondsLeft < 90 ? `${Math.ceil(p.secondsLeft)} s` : `${Math.ceil(p.secondsLeft / 60)} min`} left`
        : "";
  return `${n(p.records)}${of} records${percent}, ${n(p.written)} services written, ${n(p.rate)}/s${left}`;
}

async function main() {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean", default: false },
        source: { type: "string" },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    log.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  const file = args.positionals[0];
  if (args.values.help || !file || args.positionals.length > 1) {
    log.error(USAGE);
    return args.values.help ? 0 : 2;
  }
  let input = path.resolve(file);
  let harvested: string | undefined;
  if (/^https?:\/\//i.test(file)) {
    harvested = await mkdtemp(path.join(tmpdir(), "fort-oruk-harvest-"));
    input = path.join(harvested, "services.ndjson");
    try {
      const count = await harvestServices(file, input, { onProgress: (n) => process.stderr.write(`\r${n} services fetched…`) });
      process.stderr.write(`\rFetched ${count} services from ${file}\n`);
    } catch (error) {
      await rm(harvested, { recursive: true, force: true });
      if (error instanceof FeedError) {
        log.error(`Not imported: ${error.message}`);
        return 1;
      }
      throw error;
    }
  }
  const handle = await databaseHandle();
  try {
    await migrateDatabase(handle);
    await seedReferenceData(handle.db);
    const report = await importFeed(
      { path: input },
      {
        source: args.values.source ?? (harvested ? file : path.basename(file)),
        apply: !args.values["dry-run"],
        onProgress: (p) => process.stderr.write(`\r${progressLine(p)}\x1b[K`),
      },
    );
    process.stderr.write("\n");
    if (report.refusal) {
      log.error(`Not imported: ${report.refusal}`);
    }
    log.info(summary(report));
    for (const warning of report.warnings) log.info(`Note: ${warning}`);
    const shown = args.values.verbose ? report.items : report.items.filter((i) => i.action === "skip").slice(0, 50);
    for (const item of shown)
      log.info(`  ${item.action.padEnd(9)} ${item.entity} ${item.name ?? item.id ?? ""} (${item.position}): ${item.reasons.join("; ")}`);
    if (!args.values.verbose && report.items.some((i) => i.action === "skip")) log.info("Run with --verbose to list every record.");
    return report.refusal ? 1 : 0;
  } finally {
    await handle.close();
    if (harvested) await rm(harvested, { recursive: true, force: true });
  }
}

process.exitCode = await main();
