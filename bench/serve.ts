// Starts FORT's own server (server/index.mjs, as `npm start` runs it: request ids, compression, the page copies) on a
// bench database, and resolves once /healthz answers. Shared by the benches that measure FORT over HTTP.
import { spawn, type ChildProcess } from "node:child_process";

export function serveFort(options: { databaseUrl: string; port: number; env?: Record<string, string> }): Promise<ChildProcess> {
  const server = spawn(process.execPath, ["server/index.mjs"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      FORT_LOCAL: "true",
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      SEED_DEMO_DATA: "false",
      LOG_LEVEL: "warn",
      MAP_TILE_URL: "https://tiles.fort.test/{z}/{x}/{y}.png",
      ...options.env,
    },
    stdio: "ignore",
    detached: true,
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = async () => {
      try {
        if ((await fetch(`http://localhost:${options.port}/healthz`)).ok) return resolve(server);
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) return reject(new Error("server did not start"));
      setTimeout(poll, 300);
    };
    void poll();
  });
}
