// Graceful shutdown and readiness state, shared by the app and the server in server/ (which calls
// `shutdownApp` after it stops accepting connections). Modules register what must be ended or released.
import { log } from "./log.server";

type Closer = () => void | Promise<void>;

interface Lifecycle {
  draining: boolean;
  streams: Set<() => void>;
  closers: { name: string; close: Closer }[];
}

const globalForLifecycle = globalThis as unknown as { __fortLifecycle?: Lifecycle };

function lifecycle(): Lifecycle {
  globalForLifecycle.__fortLifecycle ??= { draining: false, streams: new Set(), closers: [] };
  return globalForLifecycle.__fortLifecycle;
}

/** True once shutdown began: readiness fails so a load balancer stops sending requests here. */
export function isDraining() {
  return lifecycle().draining;
}

/** A live stream (server-sent events) registers how to end it; returns how to unregister. */
export function trackStream(end: () => void): () => void {
  const { streams } = lifecycle();
  streams.add(end);
  return () => streams.delete(end);
}

/** Something to stop or release at shutdown, in the order registered (the database last: see boot). */
export function onShutdown(name: string, close: Closer) {
  lifecycle().closers.push({ name, close });
}

/** Marks the app as draining: readiness fails from now on. */
export function beginDraining() {
  lifecycle().draining = true;
}

/**
 * Ends live streams (each gets a reconnect hint, so browsers reconnect to another server), then runs the
 * registered closers: stop the job worker and release its claims, stop the mail worker, close the database.
 */
export async function endLiveStreams() {
  const { streams } = lifecycle();
  const count = streams.size;
  for (const end of [...streams]) end();
  streams.clear();
  if (count) log.info({ streams: count }, "live streams ended with a reconnect hint");
}

export async function shutdownApp() {
  beginDraining();
  await endLiveStreams();
  for (const { name, close } of lifecycle().closers.splice(0)) {
    try {
      await close();
    } catch (error) {
      log.error({ err: error, step: name }, "shutdown step failed");
    }
  }
}
