// A PostgreSQL server of one's own, for tests and benches that stop the database on purpose (issue 11): its own data
// directory under the system temp dir and its own port. Never the shared server.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { chownSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export function throwawayPostgresAvailable(): boolean {
  return existsSync(path.join(BIN, "initdb")) && existsSync(path.join(BIN, "pg_ctl"));
}

export interface ThrowawayPostgres {
  url: string;
  /** pg_ctl stop -m immediate: the server dies as in a crash, without a goodbye to its clients. */
  crash(): void;
  start(): void;
  destroy(): void;
}

// PostgreSQL refuses to run as root: when the test runs as root, the server runs as the postgres user.
function run(command: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(BIN, command), ...args]] : [path.join(BIN, command), args];
  execFileSync(cmd, argv, { stdio: "ignore", timeout: 60_000 });
}

export function startThrowawayPostgres(): ThrowawayPostgres {
  const dir = mkdtempSync(path.join(tmpdir(), "fort-pg-"));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = 56000 + Math.floor(Math.random() * 4000);
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: () => run("pg_ctl", ["-D", data, "-m", "immediate", "stop"]),
    start,
    destroy: () => {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
