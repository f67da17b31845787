import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, SETTING_NAMES, parseConfig, tileOrigin } from "~/config.server";

function errorFor(env: Record<string, string>) {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration from the environment", () => {
  it("starts with no settings at all, on the embedded database at port 3000", () => {
    const c = parseConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.PORT).toBe(3000);
    expect(c.APP_URL).toBe("http://localhost:3000");
    expect(c.localInstall).toBe(true);
    expect(c.SEED_DEMO_DATA).toBe("true");
  });

  it("treats an empty variable as not set", () => {
    expect(parseConfig({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it.each([
    [{ PORT: "abc" }, /^PORT must be a whole number between 1 and 65535 \(got "abc"\)\.$/],
    [{ PORT: "70000" }, /^PORT must be a whole number/],
    [{ DATABASE_URL: "mysql://localhost/fort" }, /^DATABASE_URL must be a URL starting with postgres:\/\/ or postgresql:\/\//],
    [{ DATABASE_URL: "not a url" }, /^DATABASE_URL must be a URL/],
    [{ TRUST_PROXY: "yes please" }, /^TRUST_PROXY must be false, a number of proxy hops/],
    [{ TRUST_PROXY: "10.0.0.0/33" }, /^TRUST_PROXY must be false/],
    [{ SESSION_IDLE_HOURS: "0" }, /^SESSION_IDLE_HOURS must be a whole number of hours/],
    [{ MAP_TILE_URL: "https://tiles.example.org/tile.png" }, /^MAP_TILE_URL must be an http\(s\) URL template containing \{z\}, \{x\} and \{y\}/],
    [{ SMTP_URL: "http://mail" }, /^SMTP_URL must be a URL starting with smtp:\/\/ or smtps:\/\//],
    [{ APP_URL: "fort.example.org" }, /^APP_URL must be a URL starting with http:\/\/ or https:\/\//],
  ])("refuses %j with one sentence naming the setting", (env, message) => {
    const text = errorFor(env);
    expect(text).toMatch(message);
    expect(text.split("\n")).toHaveLength(1);
  });

  it("never repeats a secret back", () => {
    expect(errorFor({ DATABASE_URL: "mysql://u:s3cret@h/db" })).not.toContain("s3cret");
  });

  it("refuses to start in production without SMTP_URL, with one sentence (issue 12)", () => {
    const production = /^SMTP_URL must be set in production \(NODE_ENV=production or an APP_URL that is not on localhost\)/;
    expect(errorFor({ NODE_ENV: "production" })).toMatch(production);
    expect(errorFor({ APP_URL: "https://fort.example.org" })).toMatch(production);
    expect(errorFor({ NODE_ENV: "production", FORT_LOCAL: "true", APP_URL: "https://fort.example.org" })).toMatch(production);
    expect(errorFor({ NODE_ENV: "production" }).split("\n")).toHaveLength(1);
  });

  it("in production, emails through GOV.UK Notify stand in for SMTP_URL; a Notify key alone does not (issue 16)", () => {
    const production = { NODE_ENV: "production", DATA_ENCRYPTION_KEY: "dGVzdC1vbmx5LWtleS1mb3ItZm9ydC10ZXN0cy0zMmI=" };
    const NOTIFY_API_KEY = "fort-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";
    expect(parseConfig({ ...production, NOTIFY_API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: "0b3d2a33-7a0e-4d8e-9d7c-1c1b7f0b9e11" }).localInstall).toBe(false);
    expect(errorFor({ ...production, NOTIFY_API_KEY })).toMatch(/^SMTP_URL must be set in production/);
    expect(errorFor({ NOTIFY_EMAIL_TEMPLATE_ID: "template" })).toMatch(/^NOTIFY_EMAIL_TEMPLATE_ID must be the id \(a UUID\) of a Notify email template/);
  });

  it("loads demo data by default only on a local install; production needs SEED_DEMO_DATA=true said out loud", () => {
    expect(parseConfig({ NODE_ENV: "production", FORT_LOCAL: "true" }).SEED_DEMO_DATA).toBe("true");
    expect(parseConfig({ NODE_ENV: "development" }).SEED_DEMO_DATA).toBe("true");
    const production = { NODE_ENV: "production", SMTP_URL: "smtp://mail.example.org:587", DATA_ENCRYPTION_KEY: "dGVzdC1vbmx5LWtleS1mb3ItZm9ydC10ZXN0cy0zMmI=" };
    expect(parseConfig(production).SEED_DEMO_DATA).toBe("false");
    expect(parseConfig({ ...production, APP_URL: "https://fort.example.org" }).localInstall).toBe(false);
    expect(parseConfig({ ...production, SEED_DEMO_DATA: "true" }).SEED_DEMO_DATA).toBe("true");
  });

  it("allows the tile host in the content security policy, sub-domains included", () => {
    expect(tileOrigin(parseConfig({ MAP_TILE_URL: "https://{s}.tile.example.org/{z}/{x}/{y}.png" }))).toBe("https://*.tile.example.org");
    expect(tileOrigin(parseConfig({}))).toBe("https://tile.openstreetmap.org");
  });

  it("flags referrals overdue after 5 working days unless REFERRAL_OVERDUE_WORKING_DAYS says otherwise", () => {
    expect(parseConfig({}).REFERRAL_OVERDUE_WORKING_DAYS).toBe(5);
    expect(parseConfig({ REFERRAL_OVERDUE_WORKING_DAYS: "3" }).REFERRAL_OVERDUE_WORKING_DAYS).toBe(3);
    expect(errorFor({ REFERRAL_OVERDUE_WORKING_DAYS: "soon" })).toBe(
      'REFERRAL_OVERDUE_WORKING_DAYS must be a whole number of working days between 1 and 60 (got "soon").',
    );
    expect(errorFor({ REFERRAL_OVERDUE_WORKING_DAYS: "0" })).toMatch(/^REFERRAL_OVERDUE_WORKING_DAYS must be a whole number/);
  });
});

describe("the settings' documentation", () => {
  it("lists every setting in .env.example and in the README's Settings table", () => {
    const example = readFileSync(".env.example", "utf8");
    const readme = readFileSync("README.md", "utf8");
    expect(
      SETTING_NAMES.filter((name) => !new RegExp(`^#? ?${name}=`, "m").test(example)),
      ".env.example",
    ).toEqual([]);
    expect(
      // A row of the table starts with the setting's name (Prettier pads the column).
      SETTING_NAMES.filter((name) => name !== "NODE_ENV" && !new RegExp(`^\\| \`${name}\` +\\|`, "m").test(readme)),
      "README.md",
    ).toEqual([]);
  });

  it("gives in .env.example values that FORT accepts", () => {
    const env = Object.fromEntries(
      readFileSync(".env.example", "utf8")
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => {
          const [, name, value] = /^([A-Z_]+)=(.*)$/.exec(line)!;
          return [name!, value!.replace(/^(['"])(.*)\1$/, "$2")];
        }),
    );
    const c = parseConfig(env);
    expect(c.MAIL_FROM).toBe("FORT <fort@localhost>");
    expect(c.MAP_TILE_ATTRIBUTION).toContain("OpenStreetMap");
  });
});
