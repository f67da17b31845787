// Typo-tolerant search at country scale (issue 14), side by side in one run. Run by hand, never in tests:
//
//   BENCH_LOAD_ONLY=1 npx tsx bench/map.ts       (once: loads 100,000 services into fort_bench_map)
//   npx tsx bench/typo-search.ts                 (BENCH_DB=… for another database; ~2 minutes)
//
// On the same data and in the same run it measures, one client at a time:
// - the HTTP floor: GET /healthz;
// - FORT's list page for each query over HTTP (FORT's own server, page copies off: every request is searched and
//   rendered), and FORT's search alone in this process (searchServices: understanding the words, then the database);
// - MiniSearch, the in-memory full-text index a developer would reach for, with fuzzy matching (0.2) and prefix search
//   on the last word, over the same published services (name, summary, description, organisation); its build time
//   and its top 20 are printed.
// Prints medians, 95th percentiles and the ratio of FORT's page to MiniSearch's search.
import { spawnSync } from "node:child_process";
import { serveFort } from "./serve";
import MiniSearch from "minisearch";
import postgres from "postgres";
import { openDatabase, setDatabaseHandle } from "../app/db.server";
import { searchServices, understandFilters } from "../app/directory/search.server";
import type { DirectoryFilters } from "../app/directory/filters";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_NAME = process.env.BENCH_DB ?? "fort_bench_map";
const PORT = Number(process.env.BENCH_PORT ?? 3123);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const QUERIES = ["parentng", "parenting", "bereavment", "yung carers", "advise", "food bank", "play sesions"];
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

async function measure(seconds: number, run: () => Promise<unknown> | unknown) {
  for (let i = 0; i < 3; i++) await run();
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end || latencies.length < 5) {
    const t = performance.now();
    await run();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { median: at(0.5), p95: at(0.95), count: latencies.length };
}

const serve = () => serveFort({ databaseUrl: dbUrl, port: PORT, env: { PAGE_CACHE_SECONDS: "0", MAP_CACHE_SECONDS: "0" } });

const ms = (v: number) => `${v.toFixed(2)} ms`;

async function main() {
  const db = postgres(dbUrl, { max: 2, onnotice: () => {} });
  const documents = await db<{ id: string; name: string; summary: string; description: string; organisation: string }[]>`
    select s.id, s.name, s.summary, s.description, o.name as organisation
    from services s join organisations o on o.id = s.organisation_id
    where s.publication = 'published' and s.status <> 'inactive'`;
  const t = performance.now();
  const mini = new MiniSearch({
    fields: ["name", "summary", "description", "organisation"],
    storeFields: ["name"],
    searchOptions: { boost: { name: 3, summary: 2 }, fuzzy: 0.2, prefix: (_term, i, terms) => i === terms.length - 1, combineWith: "AND" },
  });
  mini.addAll(documents);
  const buildMs = performance.now() - t;
  console.log(`MiniSearch: ${documents.length} services indexed in ${buildMs.toFixed(0)} ms`);

  const handle = await openDatabase({ url: dbUrl });
  setDatabaseHandle(handle);

  if (!process.env.BENCH_SKIP_BUILD) {
    console.log("Building FORT…");
    if (spawnSync("npx", ["remix", "vite:build"], { stdio: "ignore" }).status !== 0) throw new Error("build failed");
  }
  const server = await serve();
  const base = `http://localhost:${PORT}`;
  const get = (path: string) => async () => {
    const r = await fetch(base + path);
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
  };
  const rows: string[] = [];
  try {
    const floor = await measure(SECONDS, get("/healthz"));
    console.log(`floor /healthz: ${ms(floor.median)} / p95 ${ms(floor.p95)}`);
    rows.push(
      "| query | FORT page (HTTP) median | p95 | FORT search in process | MiniSearch median | p95 | page ÷ MiniSearch | FORT matches | MiniSearch matches | FORT first result | MiniSearch first result |",
    );
    rows.push("|---|---|---|---|---|---|---|---|---|---|---|");
    rows.push(`| floor \`/healthz\` | ${ms(floor.median)} | ${ms(floor.p95)} | – | – | – | – | – | – | – | – |`);
    for (const q of QUERIES) {
      const none: DirectoryFilters = { need: [], accepting: false, q };
      const page = await measure(SECONDS, get(`/?q=${encodeURIComponent(q)}`));
      const inProcess = await measure(SECONDS, async () => searchServices({ filters: await understandFilters(none), place: null, sort: "relevance", page: 1 }));
      const miniStats = await measure(SECONDS, () => mini.search(q).slice(0, 20));
      const fort = await searchServices({ filters: await understandFilters(none), place: null, sort: "relevance", page: 1 });
      const found = mini.search(q);
      const line = [
        q,
        ms(page.median),
        ms(page.p95),
        ms(inProcess.median),
        ms(miniStats.median),
        ms(miniStats.p95),
        `${(page.median / miniStats.median).toFixed(1)}x`,
        fort.totalIsLowerBound ? `more than ${fort.total}` : String(fort.total),
        String(found.length),
        fort.items[0]?.name ?? "–",
        String(found[0]?.name ?? "–"),
      ];
      console.log(line.join(" | "));
      rows.push(`| ${line.join(" | ")} |`);
    }
  } finally {
    if (server.pid) process.kill(-server.pid, "SIGTERM");
    await db.end();
    await handle.close();
  }
  console.log(`\n${rows.join("\n")}`);
}

await main();
process.exit(0);
