// The one logger: pino with levels (LOG_LEVEL), JSON lines in production, short readable lines otherwise.
// Every line written while a request is handled carries that request's id (AsyncLocalStorage), and no line
// carries personal data: sensitive keys are dropped and emails, single-use tokens and link keys are masked
// in every string, messages included. See docs/decisions/0022-operability-server-logs-shutdown.md.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";

interface RequestContext {
  requestId: string;
}

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Keys whose values never reach the log, at any depth. */
const SENSITIVE_KEY = /e-?mail|name|token|cookie|authori[sz]ation|password|secret|phone|address|postcode|birth|dob|^key$|^to$|^text$|^body$|notes|details/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const TOKEN_PATH = /\/(reset-password|invitation|confirm)\/[^\s/?#"']+/g;
const KEY_PARAM = /([?&](?:key|token)=)[^&\s#"']+/gi;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Random single-use tokens (32 bytes base64url = 43 characters) and hashes; ids (UUIDs) are kept.
const LONG_TOKEN = /[A-Za-z0-9_-]{32,}/g;

/** Masks emails, link tokens and long random strings in a piece of text. */
export function scrub(text: string): string {
  return text
    .replace(EMAIL, "[email]")
    .replace(TOKEN_PATH, "/$1/[token]")
    .replace(KEY_PARAM, "$1[redacted]")
    .replace(LONG_TOKEN, (match) => (UUID.test(match) ? match : "[token]"));
}

function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message), stack: value.stack ? scrub(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SENSITIVE_KEY.test(key) ? "[redacted]" : scrubValue(v, depth + 1);
  return out;
}

type Sink = (line: string) => void;

interface LogState {
  logger: Logger;
  requests: AsyncLocalStorage<RequestContext>;
  sink: Sink;
}

const LEVEL_LABELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };

/** Development: `12:01:02 INFO  [ab12cd34] message key=value`, no dependency needed. */
function readable(line: string): string {
  try {
    const { level, time, msg, requestId, pid: _pid, hostname: _host, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const clock = new Date(Number(time)).toTimeString().slice(0, 8);
    const id = typeof requestId === "string" ? ` [${requestId.slice(0, 8)}]` : "";
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `${clock} ${LEVEL_LABELS[Number(level)] ?? level}${id} ${msg ?? ""}${extra ? ` ${extra}` : ""}\n`;
  } catch {
    return line;
  }
}

function initialLevel(): string {
  const wanted = process.env.LOG_LEVEL;
  if (wanted && (LEVELS as readonly string[]).includes(wanted)) return wanted;
  return process.env.NODE_ENV === "test" ? "silent" : "info";
}

// One logger per process: Remix dev reloads modules, and the server and the app build share it through here.
const globalForLog = globalThis as unknown as { __fortLog?: LogState };

function state(): LogState {
  if (globalForLog.__fortLog) return globalForLog.__fortLog;
  // JSON in production (what log collectors read); readable at a terminal and in development. LOG_FORMAT forces either.
  const format = process.env.LOG_FORMAT;
  const json = format === "json" || (format !== "text" && process.env.NODE_ENV === "production" && !process.stdout.isTTY);
  const requests = new AsyncLocalStorage<RequestContext>();
  const s: LogState = {
    requests,
    sink: (line) => process.stdout.write(json ? line : readable(line)),
    logger: undefined as unknown as Logger,
  };
  s.logger = pino(
    {
      level: initialLevel(),
      base: { pid: process.pid },
      mixin: () => {
        const context = requests.getStore();
        return context ? { requestId: context.requestId } : {};
      },
      formatters: { log: (object) => scrubValue(object) as Record<string, unknown> },
      hooks: {
        // Messages are masked like values: `log.info("sent to %s", email)` cannot leak either.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    { write: (line: string) => s.sink(line) },
  );
  globalForLog.__fortLog = s;
  return s;
}

export const log: Logger = new Proxy({} as Logger, {
  get: (_target, property) => {
    const logger = state().logger;
    const value = Reflect.get(logger, property, logger);
    return typeof value === "function" ? value.bind(logger) : value;
  },
  set: (_target, property, value) => Reflect.set(state().logger, property, value),
});

/** A request id from a trusted proxy's X-Request-Id when it looks like one, otherwise a new one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[A-Za-z0-9._:-]{8,100}$/.test(header) ? header : randomUUID();
}

/** Runs `fn` with every log line inside it tagged with `requestId`. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return state().requests.run({ requestId }, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return state().requests.getStore()?.requestId;
}

/** For tests: collect every log line (as parsed JSON) written while `fn` runs, at `level` and above. */
export async function captureLog<T>(fn: () => Promise<T>, level = "debug"): Promise<{ result: T; lines: Record<string, unknown>[]; raw: string }> {
  const s = state();
  const previous = { sink: s.sink, level: s.logger.level };
  const raw: string[] = [];
  s.sink = (line) => raw.push(line);
  s.logger.level = level;
  try {
    const result = await fn();
    return { result, raw: raw.join(""), lines: raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    s.sink = previous.sink;
    s.logger.level = previous.level;
  }
}
