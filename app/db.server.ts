// The one way the app reaches its database: PostgreSQL via postgres.js when DATABASE_URL is set,
// otherwise an embedded PGlite database persisted on disk. Same schema, migrations and queries on both.
import { mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "../db/schema";
import { config } from "./config.server";
import { log } from "./log.server";
import { guardPgliteTransactions } from "./pglite-guard.server";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Engine = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Database;
  engine: Engine;
  /** A short description safe to print (never the password). */
  describe: string;
  close(): Promise<void>;
  /** Calls back with each NOTIFY payload on a channel (a dedicated connection on PostgreSQL); returns how to stop. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** PGlite only: a tarball of the data directory, used to copy a migrated test database. */
  dumpDataDir?(): Promise<Blob>;
}

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "db/migrations");

export class DatabaseUnavailableError extends Error {}

// Errors that mean "the database cannot be reached or cannot take writes just now", as opposed to a bug or bad input:
// postgres.js connection codes, Node socket codes, and PostgreSQL's connection-exception (08), operator-intervention
// (57P01–57P03: shutdown, crash, starting up), too-many-connections and insufficient-resources (53) classes.
const UNAVAILABLE_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "ENOSPC",
  "57P01",
  "57P02",
  "57P03",
  "53000",
  "53100",
  "53200",
  "53300",
]);

/**
 * True when an error (or any error it wraps: drizzle wraps driver errors in `cause`) says the database is
 * unreachable, restarting, full or locked, so the request failed without changing anything and can be retried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
    // PGlite reports a full disk or a data directory it cannot use as plain errors.
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && /No space left on device|ENOSPC|could not extend file|PGlite is closed|database is locked/i.test(message)) return true;
  }
  return false;
}

// The sockets of this process's PostgreSQL connections, so a bulk write can turn Nagle's algorithm off while it runs.
const postgresSockets = new Set<net.Socket>();
let noDelayWriters = 0;

/**
 * Runs `write` with Nagle's algorithm off on the connections. postgres.js sends the end of a COPY as a short message
 * after its rows, which then waits for the server's delayed acknowledgement, 40 ms on Linux: eight COPYs of an import
 * batch lost a third of a second to it. Only around bulk writes: for ordinary requests Nagle stays on, as it lets
 * postgres.js's pipelined messages share packets (the referral send bench was 5–40% faster with it on).
 */
export async function withoutNagle<T>(write: () => Promise<T>): Promise<T> {
  if (noDelayWriters++ === 0) for (const socket of postgresSockets) socket.setNoDelay(true);
  try {
    return await write();
  } finally {
    if (--noDelayWriters === 0) for (const socket of postgresSockets) socket.setNoDelay(false);
  }
}

/**
 * Connections whose sockets FORT can reach (for withoutNagle). The socket is handed to postgres.js still connecting:
 * Node holds the startup message until it connects, and a refused or dropped connection closes it, so postgres.js's
 * own connect_timeout, errors and reconnection apply as before. Only for one plain TCP host; a Unix socket, a list of
 * hosts or TLS keeps postgres.js's own connecting (and Nagle on).
 */
function trackedSocket(target: URL): { socket?: () => net.Socket } {
  const host = decodeURIComponent(target.hostname).replace(/^\[|\]$/g, "");
  const params = target.searchParams;
  if (!host || host.includes(",") || host.startsWith("/") || params.has("host") || params.has("sslmode") || params.has("ssl")) return {};
  const port = Number(target.port || 5432);
  return {
    socket: () => {
      const socket = Object.assign(net.connect({ host, port, noDelay: noDelayWriters > 0 }), { host, port });
      postgresSockets.add(socket);
      socket.once("close", () => postgresSockets.delete(socket));
      return socket;
    },
  };
}

export async function openDatabase(options: { url?: string; dataDir?: string; loadDataDir?: Blob }): Promise<DatabaseHandle> {
  if (options.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const target = new URL(options.url);
    const client = postgres(options.url, {
      max: 10,
      onnotice: () => {},
      // A request waits at most this long for a connection while the database is away, then gets the 503 page.
      connect_timeout: 5,
      // Connections are renewed now and then, so a pool never outlives a failover for long.
      max_lifetime: 60 * 30,
      idle_timeout: 60,
      // Self-healing for an application-level deadlock (code inside a transaction waiting for a query on another
      // connection that needs the transaction's locks): the wait ends with an error after lock_timeout, and a
      // transaction left open and idle is ended by the server, so a stuck request cannot hold connections for good.
      connection: { lock_timeout: 20_000, idle_in_transaction_session_timeout: 60_000 },
      ...trackedSocket(target),
    });
    const describe = `PostgreSQL at ${target.hostname}:${target.port || 5432}${target.pathname}`;
    try {
      await client`select 1`;
    } catch (error) {
      await client.end({ timeout: 1 }).catch(() => {});
      const reason = error instanceof Error ? error.message : String(error);
      throw new DatabaseUnavailableError(`DATABASE_URL: could not connect to ${describe} (${reason}).`);
    }
    return {
      db: drizzle({ client, schema }) as unknown as Database,
      engine: "postgres",
      describe,
      close: () => client.end({ timeout: 5 }),
      listen: async (channel, onPayload) => {
        const { unlisten } = await client.listen(channel, onPayload);
        return unlisten;
      },
    };
  }

  const { PGlite } = await import("@electric-sql/pglite");
  const { cube } = await import("@electric-sql/pglite/contrib/cube");
  const { earthdistance } = await import("@electric-sql/pglite/contrib/earthdistance");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const { drizzle } = await import("drizzle-orm/pglite");
  const dataDir = options.dataDir ?? "memory://";
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const client = guardPgliteTransactions(
    await PGlite.create(dataDir, { extensions: { cube, earthdistance, pg_trgm }, loadDataDir: options.loadDataDir }),
    (error) => log.error({ err: error }, "query outside its transaction"),
    config().NODE_ENV === "test",
  );
  return {
    db: drizzle({ client, schema }) as unknown as Database,
    engine: "pglite",
    describe: dataDir.startsWith("memory://") ? "embedded PGlite (in memory)" : `embedded PGlite in ${dataDir}`,
    close: () => client.close(),
    listen: async (channel, onPayload) => client.listen(channel, onPayload),
    dumpDataDir: async () => (await client.dumpDataDir("none")) as Blob,
  };
}

export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.engine === "postgres") {
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(handle.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await migrate(handle.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

// One handle per process. Remix dev reloads modules, so it lives on globalThis.
const globalForDb = globalThis as unknown as { __fortDb?: Promise<DatabaseHandle> };

export function databaseHandle(): Promise<DatabaseHandle> {
  globalForDb.__fortDb ??= openDatabase({
    url: config().DATABASE_URL,
    dataDir: config().DATABASE_URL ? undefined : config().PGLITE_DATA_DIR,
  });
  return globalForDb.__fortDb;
}

/** For tests: use an already opened handle as the process's database. */
export function setDatabaseHandle(handle: DatabaseHandle) {
  globalForDb.__fortDb = Promise.resolve(handle);
}

export async function getDb(): Promise<Database> {
  return (await databaseHandle()).db;
}
