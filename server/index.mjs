// FORT's HTTP server: the Remix build behind express, with a request id on every request and log line,
// long-lived caching of fingerprinted assets, readiness for load balancers and a graceful shutdown.
// `npm run serve` (after `npm run build`), or `npm start`, which builds first when the sources changed.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const BUILD = path.resolve("build/server/index.js");
const CLIENT = path.resolve("build/client");
/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = Number(process.env.SHUTDOWN_TIMEOUT_SECONDS ?? 10) * 1000;

process.env.NODE_ENV ??= "production";

if (!existsSync(BUILD)) {
  process.stderr.write("\nFORT cannot start: there is no build in build/. Run `npm run build` first, or `npm start` (which builds when needed).\n\n");
  process.exit(1);
}

// Importing the build runs the app's start-up (settings, database, migrations, job worker) before we listen.
globalThis.__fortServerHandlesSignals = true;
const build = await import(pathToFileURL(BUILD).href);
const { log, requestIdFrom, withRequestId, beginDraining, endLiveStreams, shutdownApp, pageCache } = build.entry.module;

const app = express();
app.disable("x-powered-by");
// Behind a reverse proxy: express then takes the scheme and host of the request's URL from X-Forwarded-Proto/-Host.
// Who the client is for limits and audit is decided by the app (app/security/client-address.server.ts) from the
// socket address, under the same TRUST_PROXY setting.
const trustProxy = process.env.TRUST_PROXY?.trim();
if (trustProxy && trustProxy !== "false" && trustProxy !== "0") app.set("trust proxy", /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);

let draining = false;
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/favicon.svg"]);

app.use((req, res, next) => {
  const requestId = requestIdFrom(req.get("x-request-id"));
  res.locals.requestId = requestId;
  res.setHeader("X-Request-Id", requestId);
  // While shutting down, each response asks the client to open its next connection elsewhere.
  if (draining) res.setHeader("Connection", "close");
  const started = process.hrtime.bigint();
  res.once("close", () => {
    // The path only: query strings can hold search terms and link keys.
    const line = {
      method: req.method,
      path: req.path,
      status: res.statusCode,
      ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      finished: res.writableFinished,
    };
    withRequestId(requestId, () => (QUIET_PATHS.has(req.path) ? log.debug(line, "request") : log.info(line, "request")));
  });
  withRequestId(requestId, next);
});

app.use(compression());
// Vite fingerprints everything under /assets: cache it for a year. Other public files for an hour.
app.use("/assets", express.static(path.join(CLIENT, "assets"), { immutable: true, maxAge: "1y", index: false }));
app.use(express.static(CLIENT, { maxAge: "1h", index: false }));
// The directory's list page for visitors who are not signed in, from a copy while the directory is unchanged.
app.use(pageCache);

app.all(
  "*",
  createRequestHandler({
    build,
    mode: process.env.NODE_ENV,
    getLoadContext: (req, res) => ({ clientAddress: req.socket.remoteAddress, requestId: res.locals.requestId }),
  }),
);

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, process.env.HOST, () => {
  // Start-up cost for operators: wall time since the process began, and the CPU time it used.
  const cpu = process.cpuUsage();
  log.info({ port, startupMs: Math.round(performance.now()), cpuMs: Math.round((cpu.user + cpu.system) / 1000) }, "listening");
});
// Keep-alive a little longer than common load balancers' idle timeout (60 s), so they close first.
server.keepAliveTimeout = 65_000;

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  draining = true;
  beginDraining();
  log.info({ signal }, "shutting down: no new connections, finishing requests in flight");
  const deadline = setTimeout(() => {
    log.error({ limitSeconds: SHUTDOWN_LIMIT_MS / 1000 }, "shutdown took too long; exiting anyway");
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  deadline.unref();
  // Stop accepting; close idle keep-alive connections; busy ones close after their response.
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  // Live streams never finish on their own: end them with a reconnect hint, so the requests in flight can finish.
  await endLiveStreams();
  // Connections whose last response just ended (a live stream, a slow page) go idle after the first sweep.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_LIMIT_MS / 2).unref())]);
  clearInterval(sweep);
  // Then the job worker (claims released), the mail worker, and the database last.
  await shutdownApp();
  log.info("stopped");
  process.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => void stop(signal));
