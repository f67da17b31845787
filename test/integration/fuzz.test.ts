// Nothing a user or an attacker sends makes FORT answer with a server error (issue 11). Walks the route manifest and
// calls every loader and action directly (as the access-matrix test does) with generated bad input: foreign and
// missing content types, broken multipart, control characters and NUL bytes, malformed and unknown ids, dates out of
// range, oversized values. Every answer must be below 500.
//   In the suite: FUZZ_RUNS cases (2,000 by default).   By hand: npm run fuzz   (FUZZ_RUNS=20000, any FUZZ_SEED).
import path from "node:path";
import { UNSAFE_flatRoutes } from "@remix-run/dev";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { sendReferral } from "~/referrals/commands.server";
import { DEMO, signedIn } from "../helpers";
import { SERVICE_A, serviceId, validInput } from "./referrals-helpers";

// No job worker runs in tests, so readiness would rightly answer 503 to every request: stand in a running one, as a
// server has, so that a 503 from /readyz here would be a real fault.
vi.mock("~/jobs/scheduler.server", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  schedulerState: () => ({ running: true, polling: true }),
}));

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

const routes = Object.values(UNSAFE_flatRoutes(path.resolve("app"), [], "routes"));
const byId = new Map(routes.map((r) => [r.id, r]));

function fullPath(id: string): string {
  const route = byId.get(id);
  if (!route) return "";
  const parent = route.parentId && route.parentId !== "root" ? fullPath(route.parentId) : "";
  return [parent, route.path ?? ""].filter(Boolean).join("/");
}

interface RouteModule {
  loader?: (args: unknown) => unknown;
  action?: (args: unknown) => unknown;
}

const modules = new Map<string, RouteModule>();
const WHO = ["public", DEMO.coordinator, DEMO.healthVisitor, DEMO.providerOne, DEMO.providerTwo] as const;
const cookies = new Map<string, string>();
const known: Record<string, string[]> = {};

beforeAll(async () => {
  for (const route of routes) modules.set(route.id, (await import(/* @vite-ignore */ path.resolve("app", route.file))) as RouteModule);
  const db = await getDb();
  const { user: healthVisitor } = await signedIn(DEMO.healthVisitor);
  const sent = await sendReferral(healthVisitor, validInput([await serviceId(SERVICE_A)]));
  const ids = async (table: typeof s.services | typeof s.locations | typeof s.teams | typeof s.users | typeof s.organisations) =>
    (await db.select({ id: table.id }).from(table).limit(3)).map((r) => r.id);
  known.referral = sent.ids;
  known.service = await ids(s.services);
  known.location = await ids(s.locations);
  known.team = await ids(s.teams);
  known.user = await ids(s.users);
  known.organisation = await ids(s.organisations);
  const [reference] = await db.select({ reference: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, sent.ids[0]!));
  known.reference = [reference!.reference];
}, 120_000);

async function cookieFor(who: string): Promise<string | undefined> {
  if (who === "public") return undefined;
  // A fresh session now and then: sign-out and "end all sessions" are among the actions fuzzed.
  if (!cookies.has(who) || Math.random() < 0.05) cookies.set(who, (await signedIn(who)).cookie);
  return cookies.get(who);
}

// ---------------------------------------------------------------- generators

const CONTROL = fc.constantFrom("\u0000", "\u0001", "\u0007", "\u0008", "\u000b", "\u001b", "\u007f", "\r\n", "\r", "\u2028", "\ud800", "\ufeff");
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), CONTROL, fc.string({ maxLength: 10 })).map(([a, c, b]) => `${a}${c}${b}`),
  fc.constantFrom(
    "",
    " ",
    "x",
    "0",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999",
    "9999-12-31",
    "0000-01-01",
    "2026-02-30",
    "-000001-01-01",
    "10000-01-01",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "null",
    "undefined",
    "[]",
    "{}",
    "true",
    "'; drop table users; --",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example",
    "/\r\nSet-Cookie: x=1",
    "/dashboard\r\nLocation: https://evil.example",
    "00000000-0000-0000-0000-000000000000",
    "00000000-0000-4000-8000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "FORT-NOPE",
    "DD1 1AA",
    "x".repeat(5_000),
  ),
);

function idValue() {
  return fc.oneof(nasty, fc.uuid(), fc.constantFrom(...Object.values(known).flat()));
}

const FIELD_NAMES = [
  "intent",
  "id",
  "userId",
  "teamId",
  "organisationId",
  "serviceId",
  "serviceIds",
  "suggestedServiceId",
  "toServiceId",
  "locationId",
  "draftId",
  "idempotencyKey",
  "version",
  "decision",
  "reason",
  "reasonOther",
  "outcome",
  "outcomeOther",
  "note",
  "body",
  "visibleToFamily",
  "email",
  "password",
  "confirm",
  "name",
  "role",
  "isAdmin",
  "redirectTo",
  "everywhere",
  "key",
  "key2",
  "summary",
  "description",
  "website",
  "phone",
  "postcode",
  "childName",
  "childDateOfBirth",
  "childPostcode",
  "childAge",
  "parentName",
  "parentRelationship",
  "parentPhone",
  "parentEmail",
  "contactPreference",
  "familyWants",
  "urgency",
  "consentGivenBy",
  "consentDate",
  "consentMethod",
  "consentConfirmed",
  "need_nurtured",
  "need_nurtured_detail",
  "outcome_safe",
  "status",
  "capacity",
  "source",
  "format",
  "scope",
  "feed",
  "categories",
  "typicalWaitWeeks",
  "costDescription",
  "url",
  "city",
  "accepting",
  "tried",
  "website",
];
const INTENTS = [
  "approve",
  "reject",
  "remove",
  "invite",
  "reactivate",
  "role",
  "message",
  "open_details",
  "accept",
  "decline",
  "forward",
  "close",
  "withdraw",
  "start",
  "hold",
  "resume",
  "cancel",
  "confirm",
  "details",
  "capacity",
  "autosave",
  "save",
  "send",
  "check",
  "urgency",
];

type Body = { contentType?: string; body?: BodyInit };

// Who can reach a route's code at all (so generated input gets past the sign-in check), by route id prefix.
function usersFor(routeId: string): (typeof WHO)[number][] {
  if (routeId.includes("coordinator")) return [DEMO.coordinator];
  if (routeId.includes("provider.")) return [DEMO.providerOne, DEMO.providerTwo];
  if (routeId.includes("referrals")) return [DEMO.healthVisitor, DEMO.providerOne, DEMO.coordinator];
  return [...WHO];
}

// A valid-looking form per route, of which the generator then spoils a few fields: bad input that gets as deep as
// the domain code and the database.
function templates(): Record<string, Record<string, string>> {
  const year = new Date().getUTCFullYear();
  const service = known.service![0]!;
  return {
    "routes/referrals.new": {
      intent: "send",
      idempotencyKey: crypto.randomUUID(),
      serviceIds: service,
      childName: "Casey Fuzz",
      childDateOfBirth: `${year - 6}-02-01`,
      childPostcode: "DD1 1AA",
      parentName: "Pat Fuzz",
      parentRelationship: "Father",
      parentPhone: "01632 960002",
      contactPreference: "phone",
      need_nurtured: "on",
      need_nurtured_detail: "Routines.",
      familyWants: "A group.",
      urgency: "routine",
      consentGivenBy: "Pat Fuzz",
      consentDate: new Date().toISOString().slice(0, 10),
      consentMethod: "verbal",
      consentConfirmed: "on",
    },
    "routes/services.$id_.self-referral": {
      idempotencyKey: crypto.randomUUID(),
      parentName: "Pat Fuzz",
      contactPreference: "phone",
      parentPhone: "01632 960002",
      childAge: "4",
      childPostcode: "DD1 1AA",
      familyWants: "Some help with sleep.",
      consent: "on",
    },
    "routes/track.$reference": { intent: "message", key: "not-the-key", body: "Hello" },
    "routes/referrals.$id": {
      intent: "decline",
      version: "1",
      reason: "other",
      reasonOther: "Full",
      suggestedServiceId: service,
      note: "n",
      toServiceId: service,
      body: "Hi",
    },
    "routes/coordinator.users_.invite": {
      name: "Fuzz Person",
      email: "fuzz@example.org",
      role: "referrer",
      teamId: known.team![0] ?? "",
      organisationId: known.organisation![0]!,
    },
    "routes/coordinator.users": { intent: "role", userId: known.user![0]!, role: "referrer" },
    "routes/coordinator.organisations": { intent: "approve", organisationId: known.organisation![0]! },
    "routes/provider.organisation": { intent: "remove", userId: known.user![0]!, name: "Fuzz", email: "fuzz2@example.org" },
    "routes/sign-in": { email: "nobody@example.org", password: "not-the-password", redirectTo: "/dashboard" },
    "routes/forgot-password": { email: "nobody@example.org" },
    "routes/organisations.register": { name: "Fuzz Org", contactName: "Pat", email: "fuzz3@example.org", phone: "01632 960003", website: "" },
  };
}

interface Case {
  routeId: string;
  method: "GET" | "POST";
  who: (typeof WHO)[number];
  param: string;
  query: [string, string][];
  body: Body;
}

function urlencoded([intent, pairs]: [string, [string, string][]]): string {
  const p = new URLSearchParams();
  if (intent) p.append("intent", intent);
  for (const [k, v] of pairs) p.append(k, v);
  return p.toString();
}

/** Built once the fixtures exist, so known ids are among the generated ones. */
function arbitraries() {
  const field = fc.tuple(
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: nasty }),
    fc.oneof({ weight: 3, arbitrary: nasty }, { weight: 2, arbitrary: idValue() }, { weight: 1, arbitrary: fc.constantFrom(...INTENTS) }),
  );
  const randomFields = fc.tuple(fc.constantFrom(...INTENTS, ""), fc.array(field, { maxLength: 12 }));
  const forms = templates();
  // The route's own form, with one to three of its fields spoiled (or, for routes without one, any form).
  const spoiled = (routeId: string) =>
    fc
      .tuple(
        forms[routeId] ? fc.constant(forms[routeId]) : fc.constantFrom(...Object.values(forms)),
        fc.array(fc.tuple(fc.nat(), fc.oneof(nasty, idValue(), fc.uuid())), { minLength: 1, maxLength: 3 }),
      )
      .map(([form, spoils]): [string, [string, string][]] => {
        const entries = Object.entries(form);
        for (const [at, value] of spoils) entries[at % entries.length]![1] = value;
        return ["", entries];
      });
  const fieldsFor = (routeId: string) => fc.oneof({ weight: 1, arbitrary: randomFields }, { weight: forms[routeId] ? 3 : 1, arbitrary: spoiled(routeId) });

  const bodyFor = (routeId: string): fc.Arbitrary<Body> => {
    const fields = fieldsFor(routeId);
    return fc.oneof(
      { weight: 6, arbitrary: fields.map((f) => ({ contentType: "application/x-www-form-urlencoded", body: urlencoded(f) })) },
      {
        weight: 3,
        arbitrary: fields.map(([intent, pairs]) => {
          const form = new FormData();
          if (intent) form.append("intent", intent);
          for (const [k, v] of pairs) form.append(k, v);
          if (pairs.length % 3 === 0) form.append("feed", new Blob([pairs.map((p) => p[1]).join("")], { type: "application/json" }), "feed.json");
          return { body: form };
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          contentType: fc.constantFrom(
            undefined,
            "",
            "text/plain",
            "application/json",
            "application/xml",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=xyz",
            "application/x-www-form-urlencoded; charset=utf-16",
            "image/png",
            "form/data;;;=",
          ),
          body: fc.oneof(nasty, fc.constant('{"email":"x@y.z","password":"p"}'), fc.constant('--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb')),
        }),
      },
    );
  };

  const query = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          "q",
          "to",
          "from",
          "modified_after",
          "page",
          "per_page",
          "search",
          "ids",
          "service",
          "draft",
          "key",
          "new",
          "redirectTo",
          "bbox",
          "zoom",
          "format",
          "scope",
          "taxonomy_term_id",
          "organization_id",
          "near",
          "age",
          "sort",
          "status",
          "ward",
          "invited",
          "saved",
          "location",
        ),
        nasty,
      ),
      fc.oneof(nasty, idValue()),
    ),
    { maxLength: 5 },
  );

  const routeIds = routes.map((r) => r.id);
  // Routes that take a form are where most of the risk is: they are drawn three times as often.
  const weighted = routeIds.flatMap((id) => (modules.get(id)!.action ? [id, id, id] : [id]));
  const cases: fc.Arbitrary<Case> = fc.constantFrom(...weighted).chain((routeId) => {
    const mod = modules.get(routeId)!;
    const methods = [...(mod.loader ? ["GET" as const] : []), ...(mod.action ? ["POST" as const] : [])];
    return fc.record({
      routeId: fc.constant(routeId),
      method: fc.constantFrom(...(methods.length ? methods : ["GET" as const])),
      who: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...usersFor(routeId)) }, { weight: 1, arbitrary: fc.constantFrom(...WHO) }),
      param: fc.oneof(idValue(), fc.constantFrom(...known.reference!)),
      query,
      body: bodyFor(routeId),
    });
  });
  return cases;
}

// ---------------------------------------------------------------- running one case

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === "object" && "init" in result) return (result as { init?: ResponseInit | null }).init?.status ?? 200;
  return 200;
}

async function run(c: Case): Promise<{ status: number; error?: string }> {
  const route = byId.get(c.routeId)!;
  const mod = modules.get(c.routeId)!;
  const handler = c.method === "GET" ? mod.loader : mod.action;
  if (!handler) return { status: 405 };
  const pattern = fullPath(c.routeId);
  const params: Record<string, string> = {};
  // A URL cannot carry a lone surrogate: the router would see U+FFFD.
  const param = c.param.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
  const urlPath = pattern
    .split("/")
    .map((segment) => {
      if (segment === "*") return ((params["*"] = param), encodeURIComponent(param));
      if (segment.startsWith(":")) {
        const name = segment.slice(1).replace(/\?$/, "");
        params[name] = param;
        return encodeURIComponent(param);
      }
      return segment;
    })
    .join("/");
  const url = new URL(`http://localhost/${urlPath}`);
  for (const [k, v] of c.query) url.searchParams.append(k, v);
  const headers = new Headers({ Origin: "http://localhost" });
  const cookie = await cookieFor(c.who);
  if (cookie) headers.set("Cookie", cookie);
  let init: RequestInit = { method: c.method, headers };
  if (c.method === "POST") {
    if (c.body.contentType !== undefined) headers.set("Content-Type", c.body.contentType);
    init = { ...init, body: c.body.body ?? null };
    if (c.body.contentType === undefined && typeof c.body.body === "string") {
      // fetch adds text/plain for a string body; send it with no content type at all.
      init.body = new Blob([c.body.body]);
    }
  }
  void route;
  try {
    return { status: statusOf(await handler({ request: new Request(url, init), params, context: {} })) };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status };
    if (thrown && typeof thrown === "object" && "init" in thrown) return { status: statusOf(thrown) };
    const message = thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message.split("\n")[0]}` : String(thrown);
    return { status: 500, error: message.slice(0, 200) };
  }
}

describe("generated bad requests to every route", () => {
  it(`never get a server error (${RUNS} cases, seed ${SEED})`, { timeout: Math.max(120_000, RUNS * 200) }, async () => {
    const sample = fc.sample(arbitraries(), { numRuns: RUNS, seed: SEED });
    const failures = new Map<string, { count: number; example: Case; error?: string; status: number }>();
    let sent = 0;
    const statuses = new Map<number, number>();
    for (const c of sample) {
      const result = await run(c);
      sent++;
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      if (result.status >= 500) {
        const key = `${c.method} ${c.routeId}: ${result.status} ${result.error ?? ""}`;
        const seen = failures.get(key);
        if (seen) seen.count++;
        else failures.set(key, { count: 1, example: c, error: result.error, status: result.status });
      }
    }
    const serverErrors = [...failures.values()].reduce((n, f) => n + f.count, 0);
    console.log(
      `fuzz: ${sent} requests sent, ${serverErrors} server errors (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    const report = [...failures.entries()].map(
      ([key, f]) =>
        `${f.count}× ${key}\n   e.g. ${JSON.stringify({ ...f.example, body: { contentType: f.example.body.contentType, body: typeof f.example.body.body === "string" ? f.example.body.body.slice(0, 200) : "(form)" } })}`,
    );
    expect(report, "requests that got a server error").toEqual([]);
  });
});
