// Settings come from the environment only, validated once at start-up.
// Each bad value produces one sentence naming the setting, never a stack trace.
import { randomBytes } from "node:crypto";
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

const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: url(["postgres:", "postgresql:"], "postgres://user:password@localhost:5432/fort").optional(),
  PGLITE_DATA_DIR: z.string().min(1).default("./data/pglite"),
  PORT: z.coerce
    .number({ invalid_type_error: "must be a whole number between 1 and 65535" })
    .int("must be a whole number between 1 and 65535")
    .min(1, "must be a whole number between 1 and 65535")
    .max(65535, "must be a whole number between 1 and 65535")
    .default(3000),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters long (for example the output of `openssl rand -hex 32`)").optional(),
  MAP_TILE_URL: z
    .string()
    .refine((v) => /^https?:\/\//.test(v) && ["{z}", "{x}", "{y}"].every((p) => v.includes(p)), {
      message: "must be an http(s) URL template containing {z}, {x} and {y}",
    })
    .default("https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
  MAP_TILE_ATTRIBUTION: z
    .string()
    .default('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
  MAP_CACHE_SECONDS: z.coerce
    .number({ invalid_type_error: "must be a whole number of seconds from 0 (no cache) to 3600" })
    .int("must be a whole number of seconds from 0 (no cache) to 3600")
    .min(0, "must be a whole number of seconds from 0 (no cache) to 3600")
    .max(3600, "must be a whole number of seconds from 0 (no cache) to 3600")
    .default(30),
  // A postcodes.io-compatible place look-up; without it FORT uses the open data in geodata/.
  GEOCODER_URL: url(["http:", "https:"], "https://api.postcodes.io").optional(),
  SMTP_URL: url(["smtp:", "smtps:"], "smtp://user:password@mail.example.org:587").optional(),
  MAIL_FROM: z.string().includes("@", { message: "must be an email address, optionally with a name (FORT <fort@example.org>)" }).default("FORT <fort@localhost>"),
  APP_URL: url(["http:", "https:"], "https://fort.example.org").optional(),
  SEED_DEMO_DATA: z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
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

export type Config = z.infer<typeof configSchema> & { APP_URL: string; SESSION_SECRET: string; sessionSecretGenerated: boolean };

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as in most twelve-factor apps.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    const raw = cleaned[name];
    const got = raw !== undefined && name !== "SESSION_SECRET" && name !== "DATABASE_URL" && name !== "SMTP_URL" ? ` (got "${raw}")` : "";
    throw new ConfigError(`${name} ${issue.message}${got}.`);
  }
  const c = result.data;
  return {
    ...c,
    APP_URL: (c.APP_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ""),
    SESSION_SECRET: c.SESSION_SECRET ?? randomBytes(32).toString("hex"),
    sessionSecretGenerated: c.SESSION_SECRET === undefined,
  };
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Origin of the tile server, for the Content-Security-Policy. */
export function tileOrigin(c: Config = config()): string {
  const host = new URL(c.MAP_TILE_URL.replace(/\{[a-z]\}/g, "a")).origin;
  return host.replace("://a.", "://*.");
}
