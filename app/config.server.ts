// Settings come from the environment only, validated once at start-up.
// Each bad value produces one sentence naming the setting, never a stack trace.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { z } from "zod";

const url = (protocols: string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")} (for example ${example})` },
  );

/** A whole-number setting with its range in the one sentence an operator reads. */
const wholeNumber = (min: number, max: number, unit: string, fallback: number) => {
  const message = `must be a whole number of ${unit} between ${min} and ${max}`;
  return z.coerce.number({ invalid_type_error: message }).int(message).min(min, message).max(max, message).default(fallback);
};

const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: url(["postgres:", "postgresql:"], "postgres://user:password@localhost:5432/fort").optional(),
  PGLITE_DATA_DIR: z.string().min(1).default("./data/pglite"),
  // How often each server asks the database for due jobs; a job runs once across all servers either way.
  JOB_POLL_SECONDS: z.coerce
    .number({ invalid_type_error: "must be a whole number of seconds between 1 and 3600" })
    .int("must be a whole number of seconds between 1 and 3600")
    .min(1, "must be a whole number of seconds between 1 and 3600")
    .max(3600, "must be a whole number of seconds between 1 and 3600")
    .default(30),
  // Read by app/log.server.ts straight from the environment (it logs before settings are checked); checked here too.
  LOG_FORMAT: z.enum(["json", "text"], { message: "must be json or text" }).optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "must be one of fatal, error, warn, info, debug, trace, silent" })
    .default("info"),
  PORT: z.coerce
    .number({ invalid_type_error: "must be a whole number between 1 and 65535" })
    .int("must be a whole number between 1 and 65535")
    .min(1, "must be a whole number between 1 and 65535")
    .max(65535, "must be a whole number between 1 and 65535")
    .default(3000),
  // Issue 12: an idle session ends after SESSION_IDLE_HOURS without a request, and any session after SESSION_ABSOLUTE_DAYS.
  SESSION_IDLE_HOURS: z.coerce
    .number({ invalid_type_error: "must be a whole number of hours between 1 and 72" })
    .int("must be a whole number of hours between 1 and 72")
    .min(1, "must be a whole number of hours between 1 and 72")
    .max(72, "must be a whole number of hours between 1 and 72")
    .default(8),
  SESSION_ABSOLUTE_DAYS: z.coerce
    .number({ invalid_type_error: "must be a whole number of days between 1 and 90" })
    .int("must be a whole number of days between 1 and 90")
    .min(1, "must be a whole number of days between 1 and 90")
    .max(90, "must be a whole number of days between 1 and 90")
    .default(30),
  // Issue 12: which proxies in front of FORT may say who the client is (X-Forwarded-For). Unset: none, the socket decides.
  TRUST_PROXY: z
    .string()
    .trim()
    .refine((v) => parseTrustProxy(v) !== null, {
      message:
        "must be false, a number of proxy hops (1 for one proxy in front of FORT), or a comma-separated list of proxy addresses or CIDR ranges (10.0.0.0/8, ::1)",
    })
    .default("false"),
  // Marks a machine for trying FORT out or developing it (set by `npm start` and the end-to-end tests): with an APP_URL on
  // localhost it is not production, even though remix-serve runs with NODE_ENV=production.
  FORT_LOCAL: z.enum(["true", "false"], { message: "must be true or false" }).default("false"),
  MAP_TILE_URL: z
    .string()
    .refine((v) => /^https?:\/\//.test(v) && ["{z}", "{x}", "{y}"].every((p) => v.includes(p)), {
      message: "must be an http(s) URL template containing {z}, {x} and {y}",
    })
    .default("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
  MAP_TILE_ATTRIBUTION: z.string().default('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
  MAP_CACHE_SECONDS: z.coerce
    .number({ invalid_type_error: "must be a whole number of seconds from 0 (no cache) to 3600" })
    .int("must be a whole number of seconds from 0 (no cache) to 3600")
    .min(0, "must be a whole number of seconds from 0 (no cache) to 3600")
    .max(3600, "must be a whole number of seconds from 0 (no cache) to 3600")
    .default(30),
  PAGE_CACHE_SECONDS: z.coerce
    .number({ invalid_type_error: "must be a whole number of seconds from 0 (no copies) to 3600" })
    .int("must be a whole number of seconds from 0 (no copies) to 3600")
    .min(0, "must be a whole number of seconds from 0 (no copies) to 3600")
    .max(3600, "must be a whole number of seconds from 0 (no copies) to 3600")
    .default(60),
  // A postcodes.io-compatible place look-up; without it FORT uses the open data in geodata/.
  GEOCODER_URL: url(["http:", "https:"], "https://api.postcodes.io").optional(),
  SMTP_URL: url(["smtp:", "smtps:"], "smtp://user:password@mail.example.org:587").optional(),
  MAIL_FROM: z
    .string()
    .includes("@", { message: "must be an email address, optionally with a name (FORT <fort@example.org>)" })
    .default("FORT <fort@localhost>"),
  APP_URL: url(["http:", "https:"], "https://fort.example.org").optional(),
  // Signs what FORT must recognise again after a restart or on another server (a family's tracking link derived from
  // its form's one-time key). Unset: a random one per run.
  APP_SECRET: z.string().min(32, "must be at least 32 characters long (for example the output of `openssl rand -hex 32`)").optional(),
  // Text messages (issue 16) through GOV.UK Notify: an API key (key name, service id and secret joined by hyphens)
  // and a text message template whose whole content is ((body)). Without them texts stay at /dev/mail and in the log.
  NOTIFY_API_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_]+-[0-9a-f-]{36}-[0-9a-f-]{36}$/, { message: "must be a GOV.UK Notify API key (name-serviceid-secret)" })
    .optional(),
  NOTIFY_SMS_TEMPLATE_ID: z.string().uuid({ message: "must be the id (a UUID) of a Notify text message template with ((body))" }).optional(),
  // Optional: email through Notify as well, with a template whose subject is ((subject)) and body ((body)). It then
  // replaces SMTP_URL.
  NOTIFY_EMAIL_TEMPLATE_ID: z.string().uuid({ message: "must be the id (a UUID) of a Notify email template with ((subject)) and ((body))" }).optional(),
  NOTIFY_BASE_URL: url(["https:", "http:"], "https://api.notifications.service.gov.uk").default("https://api.notifications.service.gov.uk"),
  // Default: true on a local install only (see isLocalInstall), false in production.
  SEED_DEMO_DATA: z.enum(["true", "false"], { message: "must be true or false" }).optional(),
  // Issue 15: with the demo directory, a year of fictional referrals so reports and the gap map have something to
  // show. The end-to-end tests turn it off: they count the referrals they make.
  SEED_DEMO_HISTORY: z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
  CHILD_PROTECTION_URL: url(["https:", "http:"], "https://www.example.gov.uk/child-protection").default(
    "https://www.gov.scot/publications/national-guidance-child-protection-scotland-2021-updated-2023/",
  ),
  REFERRAL_OVERDUE_WORKING_DAYS: z.coerce
    .number({ invalid_type_error: "must be a whole number of working days between 1 and 60" })
    .int("must be a whole number of working days between 1 and 60")
    .min(1, "must be a whole number of working days between 1 and 60")
    .max(60, "must be a whole number of working days between 1 and 60")
    .default(5),
  // Reports (issue 6): closed, declined and withdrawn referrals lose their personal details after this many months.
  REFERRAL_RETENTION_MONTHS: z.coerce
    .number({ invalid_type_error: "must be a whole number of months between 1 and 240" })
    .int("must be a whole number of months between 1 and 240")
    .min(1, "must be a whole number of months between 1 and 240")
    .max(240, "must be a whole number of months between 1 and 240")
    .default(24),
  // Audit (issue 15): the audit log and the referral access log keep each entry this many months, then the
  // audit-retention job deletes it (the only deletion the database allows on them).
  AUDIT_RETENTION_MONTHS: z.coerce
    .number({ invalid_type_error: "must be a whole number of months between 12 and 240" })
    .int("must be a whole number of months between 12 and 240")
    .min(12, "must be a whole number of months between 12 and 240")
    .max(240, "must be a whole number of months between 12 and 240")
    .default(84),
  // Issue 18: how long each other copy of personal data is kept (docs/decisions/0023-personal-data-encryption-and-retention.md).
  // An unsent draft untouched for this many days is deleted (its owner is warned on their referrals page a week before).
  DRAFT_RETENTION_DAYS: wholeNumber(8, 365, "days", 30),
  // A sent, accepted or in-progress referral with no activity for this many months is closed as no longer active.
  INACTIVE_REFERRAL_MONTHS: wholeNumber(1, 60, "months", 6),
  // A delivered email keeps its body this many days; after that only its subject, a hash of the recipient and its status stay.
  MAIL_BODY_RETENTION_DAYS: wholeNumber(1, 365, "days", 30),
  // A deactivated account keeps its name and email this many months after deactivation, then they are replaced.
  DEACTIVATED_ACCOUNT_RETENTION_MONTHS: wholeNumber(1, 240, "months", 12),
  // Issue 18: the key sealing children's and families' personal fields (32 random bytes, base64; `npm run job --
  // new-encryption-key` makes one). Required in production; a local install generates one in ./data.
  DATA_ENCRYPTION_KEY: z
    .string()
    .trim()
    .refine((v) => Buffer.from(v, "base64").length === 32 && /^[A-Za-z0-9+/]+={0,2}$/.test(v), {
      message: "must be 32 random bytes in base64 (44 characters; `npm run job -- new-encryption-key` prints one)",
    })
    .optional(),
  // Earlier keys, comma-separated, still readable while the re-encryption job moves their values to the current key.
  DATA_ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .trim()
    .refine((v) => v.split(",").every((k) => Buffer.from(k.trim(), "base64").length === 32), {
      message: "must be a comma-separated list of 32-byte base64 keys",
    })
    .optional(),
  // Reports (issue 6): area counts below this are shown as "fewer than N" so no family can be picked out.
  REPORT_SUPPRESSION_THRESHOLD: z.coerce
    .number({ invalid_type_error: "must be a whole number between 2 and 100" })
    .int("must be a whole number between 2 and 100")
    .min(2, "must be a whole number between 2 and 100")
    .max(100, "must be a whole number between 2 and 100")
    .default(5),
  // Reports (issue 6): a service page shows its response time and acceptance once it has had this many referrals.
  RESPONSIVENESS_MIN_REFERRALS: z.coerce
    .number({ invalid_type_error: "must be a whole number between 1 and 1000" })
    .int("must be a whole number between 1 and 1000")
    .min(1, "must be a whole number between 1 and 1000")
    .max(1000, "must be a whole number between 1 and 1000")
    .default(5),
});

export type Config = Omit<z.infer<typeof configSchema>, "SEED_DEMO_DATA" | "APP_SECRET"> & {
  APP_URL: string;
  APP_SECRET: string;
  SEED_DEMO_DATA: "true" | "false";
  /** APP_URL on this machine and not production: demo data by default, mail kept in the log and at /dev/mail. */
  localInstall: boolean;
};

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most twelve-factor apps.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    const raw = cleaned[name];
    const got =
      raw !== undefined && name !== "DATABASE_URL" && name !== "SMTP_URL" && name !== "APP_SECRET" && !name.startsWith("DATA_ENCRYPTION")
        ? ` (got "${raw}")`
        : "";
    throw new ConfigError(`${name} ${issue.message}${got}.`);
  }
  const c = result.data;
  const appUrl = (c.APP_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, "");
  const localInstall = isLoopbackHost(new URL(appUrl).hostname) && (c.NODE_ENV !== "production" || c.FORT_LOCAL === "true");
  if (!localInstall && !c.SMTP_URL && !(c.NOTIFY_API_KEY && c.NOTIFY_EMAIL_TEMPLATE_ID)) {
    throw new ConfigError(
      "SMTP_URL must be set in production (NODE_ENV=production or an APP_URL that is not on localhost), so that FORT's emails and their sign-in links are sent, not written to the log (or NOTIFY_API_KEY with NOTIFY_EMAIL_TEMPLATE_ID, to send them through GOV.UK Notify).",
    );
  }
  if (!localInstall && !c.DATA_ENCRYPTION_KEY) {
    throw new ConfigError(
      "DATA_ENCRYPTION_KEY must be set in production (32 random bytes in base64; `npm run job -- new-encryption-key` prints one), so that children's and families' details are encrypted with a key kept apart from the database.",
    );
  }
  return {
    ...c,
    APP_URL: appUrl,
    APP_SECRET: c.APP_SECRET ?? randomBytes(32).toString("hex"),
    SEED_DEMO_DATA: c.SEED_DEMO_DATA ?? (localInstall ? "true" : "false"),
    localInstall,
  };
}

/** Whether a host name (as in a URL) is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

export type TrustProxy =
  { kind: "none" } | { kind: "hops"; hops: number } | { kind: "addresses"; ranges: { address: string; prefix: number; family: "ipv4" | "ipv6" }[] };

/** TRUST_PROXY as written: "false"/"0", a hop count, or proxy addresses and CIDR ranges; null when unreadable. */
export function parseTrustProxy(raw: string): TrustProxy | null {
  const value = raw.trim().toLowerCase();
  if (value === "" || value === "false" || value === "0") return { kind: "none" };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops >= 1 && hops <= 10 ? { kind: "hops", hops } : null;
  }
  const ranges: { address: string; prefix: number; family: "ipv4" | "ipv6" }[] = [];
  for (const part of value
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (part === "loopback") {
      ranges.push({ address: "127.0.0.0", prefix: 8, family: "ipv4" }, { address: "::1", prefix: 128, family: "ipv6" });
      continue;
    }
    const [address = "", prefixText] = part.split("/");
    const version = isIP(address);
    if (version === 0) return null;
    const max = version === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : /^\d+$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= max)) return null;
    ranges.push({ address, prefix, family: version === 4 ? "ipv4" : "ipv6" });
  }
  return ranges.length ? { kind: "addresses", ranges } : null;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Reads the environment again on the next config() (tests that change a setting, such as the encryption key). */
export function reloadConfig() {
  cached = undefined;
}

/** Origin of the tile server, for the Content-Security-Policy. */
export function tileOrigin(c: Config = config()): string {
  const host = new URL(c.MAP_TILE_URL.replace(/\{[a-z]\}/g, "a")).origin;
  return host.replace("://a.", "://*.");
}

/** Every setting's name, for the check that `.env.example` and the README list them all. */
export const SETTING_NAMES = Object.keys(configSchema.shape);
