// Map index and list page at country scale (issue 14), side by side in one run. Run by hand, never in tests:
//
//   BENCH_LOAD_ONLY=1 npx tsx bench/map.ts     (once: loads 100,000 services into fort_bench_map, ~1 minute)
//   npx tsx bench/map-index.ts                 (~3 minutes on 2 cores; BENCH_DB=… for another database)
//
// On the same data and in the same run it measures:
// - the HTTP floor: GET /healthz (one `select 1`), 1 client and 32 clients;
// - FORT's map endpoint with its view cache off (MAP_CACHE_SECONDS=0: every request is worked out from the index);
// - supercluster, the field's standard clusterer, queried directly in this process for the same area and zoom
//   (one index per filter combination; its build time is printed);
// - the default list page `/` against the bare SQL it replaces (the capped count and the page query by name);
// - how long the index takes to reload, and how soon a service closed by plain SQL disappears from the map.
import { spawnSync } from "node:child_process";
import { serveFort } from "./serve";
import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import Supercluster from "supercluster";
import { migrateDatabase, openDatabase, setDatabaseHandle } from "../app/db.server";
import type { BoundingBox, DirectoryFilters } from "../app/directory/filters";
import { snapToCells } from "../app/directory/map-cache.server";
import { directorySnapshot, indexedMapView, markDirectoryChanged } from "../app/directory/map-index.server";
import { buildServiceCountQuery, buildServiceListQuery, serviceConditions } from "../app/directory/search.server";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_NAME = process.env.BENCH_DB ?? "fort_bench_map";
const PORT = Number(process.env.BENCH_PORT ?? 3122);
const ONE_SECONDS = Number(process.env.BENCH_ONE_SECONDS ?? 2);
const MANY_SECONDS = Number(process.env.BENCH_MANY_SECONDS ?? 3);
const CONCURRENCY = 32;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();
const log = (...args: unknown[]) => console.log(...args);

interface Stats {
  count: number;
  median: number;
  p95: number;
  errors: number;
}

async function measure(clients: number, seconds: number, run: () => Promise<void> | void): Promise<Stats> {
  for (let i = 0; i < 3; i++) await run();
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await run();
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { count: latencies.length, median: at(0.5), p95: at(0.95), errors };
}

const serve = () => serveFort({ databaseUrl: dbUrl, port: PORT, env: { MAP_CACHE_SECONDS: "0" } });

const none: DirectoryFilters = { need: [], accepting: false };
const UK: BoundingBox = [-8.2, 49.9, 1.8, 60.9];
const CENTRAL_SCOTLAND: BoundingBox = [-4.6, 55.6, -2.4, 56.8];
const DUNDEE: BoundingBox = [-3.1, 56.43, -2.85, 56.52];
const DUNDEE_CENTRE: BoundingBox = [-2.99, 56.455, -2.955, 56.47];
const LONDON: BoundingBox = [-0.25, 51.45, 0.05, 51.56];

interface MapScenario {
  name: string;
  bbox: BoundingBox;
  zoom: number;
  filters: Partial<DirectoryFilters>;
}
const mapScenarios: MapScenario[] = [
  { name: "UK, zoom 6", bbox: UK, zoom: 6, filters: {} },
  { name: "central Scotland, zoom 9", bbox: CENTRAL_SCOTLAND, zoom: 9, filters: {} },
  { name: "Dundee, zoom 12", bbox: DUNDEE, zoom: 12, filters: {} },
  { name: "Dundee centre, zoom 15", bbox: DUNDEE_CENTRE, zoom: 15, filters: {} },
  { name: "London, zoom 12, need+age", bbox: LONDON, zoom: 12, filters: { need: ["nurtured"], age: 3 } },
  { name: "UK, zoom 6, self-referral+accepting", bbox: UK, zoom: 6, filters: { referral: "self", accepting: true } },
];

const query = (filters: Partial<DirectoryFilters>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) {
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else if (v === true) p.set(k, "on");
    else if (v !== undefined && v !== false) p.set(k, String(v));
  }
  return p;
};

/** The same points FORT holds, as GeoJSON features with the filterable facts, for supercluster. */
async function loadFeatures(db: postgres.Sql) {
  const dialect = new PgDialect();
  const visible = dialect.sqlToQuery(sql`select 1 where ${sql.join(serviceConditions(none), sql` and `)}`);
  const where = visible.sql.replace(/^select 1 where /, "");
  const list = await db.unsafe<
    { id: string; lat: number; lng: number; min_age: number | null; max_age: number | null; self: boolean; capacity: string; needs: string[] }[]
  >(
    `select s.id, l.latitude as lat, l.longitude as lng, s.min_age, s.max_age, s.accepts_self_referrals as self, s.capacity,
       array(select tt.code from service_taxonomy_terms stt join taxonomy_terms tt on tt.id = stt.taxonomy_term_id
             where stt.service_id = s.id and tt.taxonomy = 'shanarri') as needs
     from services s join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
     where ${where}`,
    visible.params as never[],
  );
  return list.map((r) => ({
    type: "Feature" as const,
    geometry: { type: "Point" as const, coordinates: [Number(r.lng), Number(r.lat)] },
    properties: r,
  }));
}
type Feature = Awaited<ReturnType<typeof loadFeatures>>[number];

function matches(f: Feature["properties"], filters: Partial<DirectoryFilters>) {
  if (filters.need?.length && !filters.need.some((n) => f.needs.includes(n))) return false;
  if (filters.age !== undefined && ((f.min_age !== null && f.min_age > filters.age) || (f.max_age !== null && f.max_age < filters.age))) return false;
  if (filters.referral === "self" && !f.self) return false;
  if (filters.accepting && f.capacity === "not_accepting") return false;
  return true;
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main() {
  const started = Date.now();
  const handle = await openDatabase({ url: dbUrl });
  await migrateDatabase(handle); // the directory's change triggers
  setDatabaseHandle(handle);
  const db = postgres(dbUrl, { max: 10, onnotice: () => {} });
  const [published] = await db<{ n: number }[]>`select count(*)::int as n from services where publication = 'published' and status <> 'inactive'`;
  log(`Database ${DB_NAME}: ${published!.n} published, visible services.`);

  // The index's own load, as every app server does it at start and after each change.
  let t = performance.now();
  await directorySnapshot();
  const firstLoad = performance.now() - t;
  await markDirectoryChanged();
  t = performance.now();
  await directorySnapshot();
  const reload = performance.now() - t;
  log(`FORT map index: load ${firstLoad.toFixed(0)} ms, reload ${reload.toFixed(0)} ms (all published services and locations).`);

  // supercluster, directly: one index per filter combination.
  const features = await loadFeatures(db);
  const superclusters = new Map<string, { index: Supercluster; buildMs: number }>();
  const superclusterFor = (filters: Partial<DirectoryFilters>) => {
    const key = JSON.stringify(filters);
    let entry = superclusters.get(key);
    if (!entry) {
      const chosen = Object.keys(filters).length ? features.filter((f) => matches(f.properties, filters)) : features;
      const t0 = performance.now();
      const index = new Supercluster({ radius: 64, maxZoom: 16 }).load(chosen as never);
      entry = { index, buildMs: performance.now() - t0 };
      superclusters.set(key, entry);
    }
    return entry;
  };

  if (!process.env.BENCH_SKIP_BUILD) {
    log("Building FORT…");
    if (spawnSync("npx", ["remix", "vite:build"], { stdio: "ignore" }).status !== 0) throw new Error("build failed");
  }
  const server = await serve();
  const base = `http://localhost:${PORT}`;
  const get = (url: string) => async () => {
    const r = await fetch(base + url);
    await r.arrayBuffer();
    if (!r.ok) throw new Error(String(r.status));
  };
  const dialect = new PgDialect();
  const rows: string[] = [];
  const row = (cells: string[]) => rows.push(`| ${cells.join(" | ")} |`);
  try {
    const floor1 = await measure(1, ONE_SECONDS, get("/healthz"));
    const floor32 = await measure(CONCURRENCY, MANY_SECONDS, get("/healthz"));
    log(`floor /healthz: 1 client ${ms(floor1.median)} / p95 ${ms(floor1.p95)}; 32 clients ${ms(floor32.median)} / p95 ${ms(floor32.p95)}`);
    row(["floor `/healthz`", ms(floor1.median), ms(floor1.p95), "–", ms(floor32.median), ms(floor32.p95), "–", "–", "–", "–"]);

    for (const s of mapScenarios) {
      const params = query(s.filters);
      params.set("bbox", s.bbox.join(","));
      params.set("zoom", String(s.zoom));
      const url = `/api/map?${params}`;
      const first = await fetch(base + url);
      const body = await first.text();
      if (!first.ok) throw new Error(`${url}: ${first.status} ${body.slice(0, 200)}`);
      const one = await measure(1, ONE_SECONDS, get(url));
      const many = await measure(CONCURRENCY, MANY_SECONDS, get(url));
      const sc = superclusterFor(s.filters);
      const direct = await measure(1, 0.5, () => void sc.index.getClusters(s.bbox, s.zoom));
      const area = snapToCells(s.bbox, s.zoom);
      const filters = { ...none, ...s.filters };
      const inProcess = await measure(1, 0.5, async () => void (await indexedMapView(filters, area, s.zoom)));
      const overFloor = one.median - floor1.median;
      const p95Ratio = many.p95 / floor32.p95;
      log(
        `map ${s.name.padEnd(38)} 1 client ${ms(one.median)} / p95 ${ms(one.p95)} (floor +${ms(overFloor)}) | 32 clients ${ms(many.median)} / p95 ${ms(many.p95)} (${p95Ratio.toFixed(2)}x floor p95)` +
          ` | FORT index in process ${ms(inProcess.median)} / p95 ${ms(inProcess.p95)} | supercluster ${ms(direct.median)} (index built in ${sc.buildMs.toFixed(0)} ms) | ${(body.length / 1024).toFixed(1)} KiB` +
          (one.errors || many.errors ? ` | errors ${one.errors}/${many.errors}` : ""),
      );
      row([
        `map: ${s.name}`,
        ms(one.median),
        ms(one.p95),
        `${overFloor >= 0 ? "+" : ""}${ms(overFloor)}`,
        ms(many.median),
        ms(many.p95),
        `${p95Ratio.toFixed(2)}x`,
        `${ms(inProcess.median)} / p95 ${ms(inProcess.p95)}`,
        ms(direct.median),
        `${sc.buildMs.toFixed(0)} ms`,
      ]);
    }

    // The default list page and a filtered one, against the SQL the page ran before (capped count + page by name).
    // A throwaway parameter makes every request a new address, so those lines measure a full render (no page copy).
    let fresh = 0;
    for (const [name, filters, url] of [
      ["list: `/` (all, by name)", none, () => "/"],
      ["list: `/` rendered afresh (no copy)", none, () => `/?fresh=${fresh++}`],
      ["list: `/?need=nurtured&age=3`", { ...none, need: ["nurtured"], age: 3 } as DirectoryFilters, () => "/?need=nurtured&age=3"],
      ["list: `/?need=nurtured&age=3` afresh", { ...none, need: ["nurtured"], age: 3 } as DirectoryFilters, () => `/?need=nurtured&age=3&fresh=${fresh++}`],
    ] as const) {
      const statements = [buildServiceCountQuery(filters, undefined), buildServiceListQuery({ filters, place: null, sort: "name", page: 1 })].map((q) =>
        dialect.sqlToQuery(q),
      );
      const one = await measure(1, ONE_SECONDS, () => get(url())());
      const many = await measure(CONCURRENCY, MANY_SECONDS, () => get(url())());
      const bare = await measure(1, ONE_SECONDS, async () => {
        for (const q of statements) await db.unsafe(q.sql, q.params as never[]);
      });
      log(
        `${name.padEnd(42)} 1 client ${ms(one.median)} / p95 ${ms(one.p95)} (${(one.median / floor1.median).toFixed(2)}x floor) | 32 clients ${ms(many.median)} / p95 ${ms(many.p95)}` +
          ` | bare SQL (count + page by name) ${ms(bare.median)} / p95 ${ms(bare.p95)}`,
      );
      row([
        name,
        ms(one.median),
        ms(one.p95),
        `${(one.median / floor1.median).toFixed(2)}x floor`,
        ms(many.median),
        ms(many.p95),
        `${(many.p95 / floor32.p95).toFixed(2)}x`,
        "–",
        `bare SQL ${ms(bare.median)} / p95 ${ms(bare.p95)}`,
        "–",
      ]);
    }

    // Freshness: close one service with plain SQL (as another server or an administrator would) and poll the map.
    const [victim] = await db<{ id: string; lat: number; lng: number }[]>`
      select s.id, l.latitude as lat, l.longitude as lng from services s join service_at_locations sal on sal.service_id = s.id
      join locations l on l.id = sal.location_id where s.publication = 'published' and s.status = 'active' limit 1`;
    const spot = [victim!.lng - 0.0005, victim!.lat - 0.0005, victim!.lng + 0.0005, victim!.lat + 0.0005].join(",");
    const shows = async () => (await (await fetch(`${base}/api/map?bbox=${spot}&zoom=18`)).text()).includes(victim!.id);
    if (!(await shows())) throw new Error("the chosen service is not on the map");
    t = performance.now();
    await db`update services set status = 'temporarily_closed' where id = ${victim!.id}`;
    await db`update services set status = 'inactive' where id = ${victim!.id}`;
    while (await shows()) await new Promise((r) => setTimeout(r, 10));
    const gone = performance.now() - t;
    await db`update services set status = 'active' where id = ${victim!.id}`;
    t = performance.now();
    while (!(await shows())) await new Promise((r) => setTimeout(r, 10));
    const back = performance.now() - t;
    log(`Freshness: a service closed by plain SQL left the map after ${gone.toFixed(0)} ms; reopened, it was back after ${back.toFixed(0)} ms.`);

    log(
      "\n| what | 1 client median | 1 client p95 | vs floor | 32 clients median | 32 clients p95 | p95 vs floor p95 | FORT index in process | supercluster direct (list: bare SQL) | supercluster build |",
    );
    log("|---|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) log(r);
    log(
      `\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s; 1 client for ${ONE_SECONDS} s, ${CONCURRENCY} clients for ${MANY_SECONDS} s per line; map views uncached (MAP_CACHE_SECONDS=0).`,
    );
  } finally {
    await db.end();
    await handle.close();
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
