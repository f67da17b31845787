// Exports the directory as an Open Referral UK feed: JSON (streamed to the file) or the tabular CSV
// form in a zip.
//   npm run oruk:export -- directory.json [--all]
//   npm run oruk:export -- directory.zip [--all]         (tabular; or --format tabular)
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { databaseHandle, migrateDatabase } from "../app/db.server";
import { exportJsonChunks, exportTabularZip } from "../app/openreferral/export.server";
import { log } from "../app/log.server";

const USAGE =
  "Usage: npm run oruk:export -- <file.json | file.zip> [--format json|tabular] [--all]\n  --all  include drafts, services awaiting approval and inactive ones (default: published only)";

async function main() {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { format: { type: "string" }, all: { type: "boolean", default: false }, help: { type: "boolean" } } });
  } catch (error) {
    log.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
    return 2;
  }
  const file = args.positionals[0];
  const format = args.values.format ?? (file?.endsWith(".zip") ? "tabular" : "json");
  if (args.values.help || !file || !["json", "tabular"].includes(format)) {
    log.error(USAGE);
    return args.values.help ? 0 : 2;
  }
  const scope = args.values.all ? "all" : "public";
  const handle = await databaseHandle();
  try {
    await migrateDatabase(handle);
    if (format === "tabular") {
      await writeFile(file, await exportTabularZip(scope));
    } else {
      const out = createWriteStream(file);
      for await (const chunk of exportJsonChunks(scope)) if (!out.write(chunk)) await once(out, "drain");
      out.end();
      await once(out, "finish");
    }
    log.info(`Wrote ${file} (${format}, ${scope === "all" ? "every service" : "published services"}).`);
    return 0;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main();
