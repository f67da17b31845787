// Map and directory benchmark (issue 3). Run by hand, never in tests:
//
//   npx tsx bench/map.ts            (BENCH_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres by default)
//
// 1. Creates the PostgreSQL database fort_bench_map, migrates it and loads 100,000 synthetic published services
//    across the UK (points weighted by the real number of postcodes in each UK postcode district).
// 2. Builds FORT and serves it on that database, then for each scenario runs 32 concurrent clients against the HTTP
//    endpoint and, separately, the same SQL straight through postgres.js with the app's pool size, and prints
//    median / p95 latency and their ratio.
// 3. Reports the JavaScript sent to `/` (gzipped), initially and once the map has loaded.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { migrateDatabase, openDatabase } from "../app/db.server";
import { type BoundingBox, type DirectoryFilters, effectiveSort } from "../app/directory/filters";
import { snapToCells } from "../app/directory/map-cache.server";
import { searchServices } from "../app/directory/search.server";
import { mapView } from "../app/directory/map-sql.server";
import { OfflineGeocoder } from "../app/geo/offline-geocoder.server";
import { seedReferenceData } from "../db/seed/reference-data";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DB_NAME = process.env.BENCH_DB ?? "fort_bench_map";
const SERVICES = Number(process.env.BENCH_SERVICES ?? 100_000);
const CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const PORT = Number(process.env.BENCH_PORT ?? 3120);
const APP_POOL = 10; // app/db.server.ts: postgres(url, { max: 10 })

const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

const log = (...args: unknown[]) => console.log(...args);

async function loadData() {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`);
  await admin.unsafe(`create database ${DB_NAME}`);
  await admin.end();

  const handle = await openDatabase({ url: dbUrl });
  await migrateDatabase(handle);
  await seedReferenceData(handle.db);
  await handle.close();

  const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const started = Date.now();
  const rows = readFileSync(path.resolve("geodata/uk_outcode_centroids.csv"), "utf8").trim().split("\n").slice(1);
  await db.unsafe(`create temporary table outcodes (outcode text, lat float8, lng float8, weight int, cum_to bigint)`);
  let cumulative = 0;
  const values = rows.map((line) => {
    const [outcode, lat, lng, count] = line.split(",");
    cumulative += Math.max(1, Number(count));
    return { outcode: outcode!, lat: Number(lat), lng: Number(lng), weight: Number(count), cum_to: cumulative };
  });
  for (let i = 0; i < values.length; i += 1000) await db`insert into outcodes ${db(values.slice(i, i + 1000))}`;
  await db.unsafe(`create index on outcodes (cum_to)`);

  await db.begin(async (tx) => {
    await tx.unsafe(`select setseed(0.42)`);
    await tx.unsafe(`
      insert into organisations (name, status)
      select 'Bench organisation ' || g, 'approved' from generate_series(1, 2000) g`);
    await tx.unsafe(`
      create temporary table bench_points as
      select r.g, o.outcode, o.lat + (random() - 0.5) * 0.03 as lat, o.lng + (random() - 0.5) * 0.05 as lng
      from (select g, floor(random() * ${cumulative}) as pick from generate_series(1, ${SERVICES}) g) r,
      lateral (select * from outcodes where cum_to > r.pick order by cum_to limit 1) o`);
    await tx.unsafe(`
      with orgs as (select id, row_number() over (order by name) as n from organisations)
      insert into locations (id, organisation_id, name, address_1, city, postcode, latitude, longitude)
      select md5('loc' || p.g)::uuid, orgs.id, 'Community centre ' || p.g, p.g || ' High Street', 'Town', p.outcode || ' 1AA', p.lat, p.lng
      from bench_points p join orgs on orgs.n = 1 + p.g % 2000`);
    const words = ["Parenting", "Family", "Young carers", "Play", "Wellbeing", "Money advice", "Youth", "Early years", "Bereavement", "Learning"];
    const kinds = ["group", "support", "drop-in", "service", "project", "club", "network", "course"];
    await tx.unsafe(`
      insert into services (id, organisation_id, name, summary, description, status, publication, min_age, max_age,
        accepts_professional_referrals, accepts_self_referrals, capacity, typical_wait_weeks)
      select md5('svc' || p.g)::uuid, l.organisation_id,
        (array[${words.map((w) => `'${w}'`).join(",")}])[1 + p.g % ${words.length}] || ' ' || (array[${kinds.map((k) => `'${k}'`).join(",")}])[1 + (p.g / 7) % ${kinds.length}] || ' ' || p.outcode,
        'Support for children and families in ' || p.outcode || ': ' || (array['parenting groups','play sessions','one-to-one support','advice and help','activities for young people'])[1 + p.g % 5] || '.',
        'A synthetic service used to measure FORT at scale. It offers friendly help, groups and advice for parents, carers and children.',
        case when p.g % 50 = 0 then 'temporarily_closed'::service_status else 'active'::service_status end,
        case when p.g % 20 = 0 then 'draft'::publication_state else 'published'::publication_state end,
        (array[0, 0, 3, 5, 11, null])[1 + p.g % 6], (array[5, 12, 18, 18, 25, null])[1 + p.g % 6],
        p.g % 4 <> 0, p.g % 3 <> 0,
        (array['accepting','accepting','waiting_list','not_accepting'])[1 + p.g % 4]::capacity_state,
        case when p.g % 4 = 2 then 1 + p.g % 12 end
      from bench_points p join locations l on l.id = md5('loc' || p.g)::uuid`);
    await tx.unsafe(`
      insert into service_at_locations (service_id, location_id)
      select md5('svc' || g)::uuid, md5('loc' || g)::uuid from generate_series(1, ${SERVICES}) g`);
    await tx.unsafe(`
      insert into service_taxonomy_terms (service_id, taxonomy_term_id)
      select distinct md5('svc' || g)::uuid, t.id
      from generate_series(1, ${SERVICES}) g
      join lateral (
        select id from taxonomy_terms where taxonomy = 'shanarri' and code = (array['safe','healthy','achieving','nurtured','active','respected','responsible','included'])[1 + g % 8]
        union all select id from taxonomy_terms where taxonomy = 'shanarri' and code = (array['safe','healthy','achieving','nurtured','active','respected','responsible','included'])[1 + (g / 8) % 8]
        union all select id from taxonomy_terms where taxonomy = 'category' and code = (array['parenting','early-years','mental-health','young-carers','youth-work','money-advice'])[1 + g % 6]
      ) t on true`);
  });
  await db.unsafe(`vacuum analyze`);
  const [published] = await db<{ n: number }[]>`select count(*)::int as n from services where publication = 'published'`;
  const n = published!.n;
  await db.end();
  log(`Loaded ${SERVICES} services (${n} published) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

function build() {
  if (process.env.BENCH_SKIP_BUILD) return;
  const result = spawnSync("npx", ["remix", "vite:build"], { stdio: "ignore" });
  if (result.status !== 0) throw new Error("build failed");
}

function serve(port: number, mapCacheSeconds: number): Promise<ChildProcess> {
  const server = spawn("npx", ["remix-serve", "./build/server/index.js"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      // A local machine: no SMTP_URL needed (issue 12 makes production require one).
      FORT_LOCAL: "true",
      DATABASE_URL: dbUrl,
      PORT: String(port),
      SEED_DEMO_DATA: "false",
      MAP_CACHE_SECONDS: String(mapCacheSeconds),
      MAP_TILE_URL: "https://tiles.fort.test/{z}/{x}/{y}.png",
    },
    stdio: "ignore",
    detached: true, // its own process group, so stopping it stops remix-serve too
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = async () => {
      try {
        if ((await fetch(`http://localhost:${port}/healthz`)).ok) return resolve(server);
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) return reject(new Error("server did not start"));
      setTimeout(poll, 500);
    };
    poll();
  });
}

interface Stats {
  count: number;
  median: number;
  p95: number;
  errors: number;
}

async function hammer(run: () => Promise<void>): Promise<Stats> {
  for (let i = 0; i < 3; i++) await run(); // warm up plans and caches
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
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

const none: DirectoryFilters = { need: [], accepting: false };
const UK: BoundingBox = [-8.2, 49.9, 1.8, 60.9];
const CENTRAL_SCOTLAND: BoundingBox = [-4.6, 55.6, -2.4, 56.8];
const DUNDEE: BoundingBox = [-3.1, 56.43, -2.85, 56.52];
const DUNDEE_CENTRE: BoundingBox = [-2.99, 56.455, -2.955, 56.47];
const LONDON: BoundingBox = [-0.25, 51.45, 0.05, 51.56];

const query = (filters: Partial<DirectoryFilters>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) {
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else if (v === true) p.set(k, "on");
    else if (v !== undefined && v !== false) p.set(k, String(v));
  }
  return p;
};

interface Scenario {
  name: string;
  url: string;
  statements: SQL[];
}

async function scenarios(): Promise<Scenario[]> {
  const list: Scenario[] = [];
  const pending: (() => Promise<Scenario>)[] = [];
  // The floor: what any request costs over HTTP here, against the cheapest query.
  list.push({ name: "floor /healthz (select 1)", url: "/healthz", statements: [sql`select 1`] });
  const map = (name: string, bbox: BoundingBox, zoom: number, f: Partial<DirectoryFilters> = {}) => {
    const filters = { ...none, ...f };
    const params = query(f);
    params.set("bbox", bbox.join(","));
    params.set("zoom", String(zoom));
    pending.push(async () => ({
      name: `map  ${name}`,
      url: `/api/map?${params}`,
      statements: await recordStatements(() => mapView(filters, snapToCells(bbox, zoom), zoom)),
    }));
  };
  map("UK, zoom 6", UK, 6);
  map("central Scotland, zoom 9", CENTRAL_SCOTLAND, 9);
  map("Dundee, zoom 12", DUNDEE, 12);
  map("Dundee centre, zoom 15", DUNDEE_CENTRE, 15);
  map("London, zoom 12, need+age", LONDON, 12, { need: ["nurtured"], age: 3 });
  map("UK, zoom 6, q=parentng (typo)", UK, 6, { q: "parentng" });
  map("UK, zoom 6, self-referral+accepting", UK, 6, { referral: "self", accepting: true });

  const geocoder = new OfflineGeocoder();
  const page = async (name: string, f: Partial<DirectoryFilters>, bbox?: BoundingBox) => {
    const filters = { ...none, ...f };
    const place = f.near ? geocoder.lookupSync(f.near) : null;
    const sort = effectiveSort({ q: f.q }, !!place);
    const params = query(f);
    if (bbox) params.set("bbox", bbox.join(","));
    // The page counts, lists and places the 20 services. (It also fits the map to all results, but that comes from
    // the same 30-second cache as map views, so after the first request it costs no query.)
    pending.push(async () => ({
      name: `list ${name}`,
      url: `/?${params}`,
      statements: await recordStatements(() => searchServices({ filters, place, bbox, sort, page: 1 })),
    }));
  };
  await page("all, by name", {});
  await page("near DD4, nearest first", { near: "DD4" });
  await page("q=parentng (typo), need, age", { q: "parentng", need: ["nurtured"], age: 3 });
  await page("map area Dundee, self-referral", { referral: "self" }, DUNDEE);
  for (const next of pending) list.push(await next());
  return list;
}

// The statements a domain function runs, recorded against the real database so that follow-up queries (the services
// at single spots, the location points of a page) are the ones the endpoint really runs.
async function recordStatements(work: () => Promise<unknown>): Promise<SQL[]> {
  const { openDatabase: open, setDatabaseHandle } = await import("../app/db.server");
  const real = await open({ url: dbUrl });
  const recorded: SQL[] = [];
  setDatabaseHandle({
    ...real,
    db: new Proxy(real.db, {
      get(target, property, receiver) {
        if (property === "execute") return (q: SQL) => (recorded.push(q), target.execute(q));
        return Reflect.get(target, property, receiver);
      },
    }),
  });
  try {
    await work();
  } finally {
    await real.close();
  }
  return recorded;
}

async function javascriptSentToHome(base: string) {
  const html = await (await fetch(`${base}/`)).text();
  const initial = new Set<string>();
  for (const m of html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)) initial.add(m[1]!);
  for (const m of html.matchAll(/import\s*(?:\*\s*as\s*\w+\s*from\s*)?"([^"]+\.js)"/g)) initial.add(m[1]!);
  const sources = new Map<string, string>();
  const fetchJs = async (url: string) => {
    if (!sources.has(url)) sources.set(url, await (await fetch(new URL(url, base))).text());
    return sources.get(url)!;
  };
  const staticClosure = async (roots: Iterable<string>) => {
    const seen = new Set<string>();
    const queue = [...roots];
    while (queue.length) {
      const url = queue.pop()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const code = await fetchJs(url);
      for (const m of code.matchAll(/(?:from|import)\s*"(\.\/[^"]+\.js)"/g)) queue.push(new URL(m[1]!, new URL(url, base)).pathname);
    }
    return seen;
  };
  const first = await staticClosure(initial);
  const lazyRoots = new Set<string>();
  for (const url of first)
    for (const m of (await fetchJs(url)).matchAll(/import\("(\.\/[^"]+\.js)"\)/g)) lazyRoots.add(new URL(m[1]!, new URL(url, base)).pathname);
  const mapChunks = [...lazyRoots].filter((u) => /ServiceMap/.test(u));
  const later = [...(await staticClosure(mapChunks))].filter((u) => !first.has(u));
  const gz = (urls: Iterable<string>) => [...urls].reduce((sum, u) => sum + gzipSync(sources.get(u)!).length, 0);
  const raw = (urls: Iterable<string>) => [...urls].reduce((sum, u) => sum + Buffer.byteLength(sources.get(u)!), 0);
  return { initialGzip: gz(first), initialRaw: raw(first), mapGzip: gz(later), mapRaw: raw(later), files: first.size };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main() {
  const started = Date.now();
  if (!process.env.BENCH_SKIP_LOAD) await loadData();
  build();
  // Two servers on the same build and database: the default (map views cached 30 s) and one with the cache off.
  const cachedServer = await serve(PORT, 30);
  const uncachedServer = await serve(PORT + 1, 0);
  const cachedBase = `http://localhost:${PORT}`;
  const uncachedBase = `http://localhost:${PORT + 1}`;
  const client = postgres(dbUrl, { max: APP_POOL, onnotice: () => {} });
  const dialect = new PgDialect();
  const get = (base: string, url: string) => async () => {
    const r = await fetch(base + url);
    await r.arrayBuffer();
    if (!r.ok) throw new Error(String(r.status));
  };
  try {
    const results: { name: string; http: Stats; uncached: Stats | null; sql: Stats; bytes: number }[] = [];
    for (const scenario of await scenarios()) {
      const response = await fetch(cachedBase + scenario.url);
      const body = await response.text();
      if (!response.ok) throw new Error(`${scenario.url} answered ${response.status}: ${body.slice(0, 200)}`);
      const isMap = scenario.url.startsWith("/api/map");
      const http = await hammer(get(cachedBase, scenario.url));
      const uncached = isMap ? await hammer(get(uncachedBase, scenario.url)) : null;
      const statements = scenario.statements.map((s) => dialect.sqlToQuery(s));
      const sqlStats = await hammer(async () => {
        for (const q of statements) await client.unsafe(q.sql, q.params as never[]);
      });
      results.push({ name: scenario.name, http, uncached, sql: sqlStats, bytes: Buffer.byteLength(body) });
      const first = uncached ?? http;
      log(
        `${scenario.name.padEnd(44)} HTTP ${ms(http.median)} / p95 ${ms(http.p95)}` +
          (uncached ? ` | uncached ${ms(uncached.median)} / p95 ${ms(uncached.p95)}` : "") +
          ` | SQL ${ms(sqlStats.median)} / p95 ${ms(sqlStats.p95)} | ratio ${(first.median / sqlStats.median).toFixed(2)}x / ${(first.p95 / sqlStats.p95).toFixed(2)}x` +
          ` | ${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB` +
          (http.errors || sqlStats.errors || uncached?.errors ? ` | errors ${http.errors}/${uncached?.errors ?? 0}/${sqlStats.errors}` : ""),
      );
    }
    const js = await javascriptSentToHome(cachedBase);
    log(
      `\nJavaScript sent to /: ${(js.initialGzip / 1024).toFixed(1)} KiB gzipped (${(js.initialRaw / 1024).toFixed(1)} KiB raw, ${js.files} files) before the map; ` +
        `the map (Leaflet + map code, loaded after hydration) adds ${(js.mapGzip / 1024).toFixed(1)} KiB gzipped (${(js.mapRaw / 1024).toFixed(1)} KiB raw).`,
    );
    log("\n| scenario | HTTP median | HTTP p95 | uncached median | uncached p95 | SQL median | SQL p95 | ratio median | ratio p95 | response |");
    log("|---|---|---|---|---|---|---|---|---|---|");
    for (const r of results) {
      const first = r.uncached ?? r.http;
      log(
        `| ${r.name.replace(/^(map|list) +/, "$1: ")} | ${ms(r.http.median)} | ${ms(r.http.p95)} | ${r.uncached ? ms(r.uncached.median) : "–"} | ${r.uncached ? ms(r.uncached.p95) : "–"} | ` +
          `${ms(r.sql.median)} | ${ms(r.sql.p95)} | ${(first.median / r.sql.median).toFixed(2)}x | ${(first.p95 / r.sql.p95).toFixed(2)}x | ${(r.bytes / 1024).toFixed(1)} KiB |`,
      );
    }
    log(
      `\nTotal run ${((Date.now() - started) / 1000).toFixed(0)} s; ${CONCURRENCY} concurrent clients, ${SECONDS} s per measurement; ratio = uncached HTTP (list: HTTP) / SQL.`,
    );
  } finally {
    await client.end();
    for (const server of [cachedServer, uncachedServer]) if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}

if (!existsSync("geodata/uk_outcode_centroids.csv")) {
  console.error("Run from the project root: npx tsx bench/map.ts");
  process.exit(1);
}
(process.env.BENCH_LOAD_ONLY ? loadData() : main()).then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
