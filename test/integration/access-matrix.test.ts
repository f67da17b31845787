// Every route × every role: allowed, denied (403 / sign-in redirect) or not found. The list of routes comes
// from the route manifest, so a new route without an entry here fails this test until someone decides who may use it.
import path from "node:path";
import { UNSAFE_flatRoutes } from "@remix-run/dev";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { getServiceForEditing, proposeServiceChange } from "~/directory/service-editing.server";
import { sendReferral } from "~/referrals/commands.server";
import { SERVICE_A, serviceId, validInput } from "./referrals-helpers";
import { DEMO, signedIn } from "../helpers";

type Who = "public" | "coordinator" | "referrer" | "provider" | "providerAdmin";
type Outcome = "allow" | "deny" | "missing";
type Rule = Outcome | Partial<Record<Who, Outcome>> & { default?: Outcome };

interface Fixtures {
  referralId: string;
  otherOrganisationLocationId: string;
  publishedServiceId: string;
  otherOrganisationServiceId: string;
  pendingRevisionId: string;
}

interface Access {
  params?: (f: Fixtures) => Record<string, string>;
  get?: Rule;
  post?: Rule;
}

const SIGNED_IN: Rule = { public: "deny", default: "allow" };
const COORDINATOR: Rule = { coordinator: "allow", default: "deny" };
const PROVIDER: Rule = { provider: "allow", providerAdmin: "allow", default: "deny" };
const REFERRER: Rule = { referrer: "allow", default: "deny" };
const PROVIDER_ADMIN: Rule = { providerAdmin: "allow", default: "deny" };

const NO_SUCH_ID = () => ({ id: "00000000-0000-4000-8000-000000000000" });
// The Open Referral API is open data: anyone reads it; it is read-only (POST gets 405).
const OPEN_API: Access = { get: "allow", post: "allow" };
const OPEN_API_ITEM: Access = { params: NO_SUCH_ID, get: "missing", post: "allow" };

export const ACCESS: Record<string, Access> = {
  root: { get: "allow" },
  "routes/_index": { get: "allow" },
  "routes/about.data": {},
  "routes/healthz": { get: "allow" },
  // Readiness answers 503 where no job worker runs (as in this test), which is still an answer to anyone.
  "routes/readyz": { get: "allow" },
  // Every address nothing else matches: not found, for everyone.
  "routes/$": { params: () => ({ "*": "no/such/page" }), get: "missing" },
  "routes/services.$id": { params: (f) => ({ id: f.publishedServiceId }), get: "allow" },
  "routes/sign-in": { get: "allow", post: "allow" },
  "routes/sign-out": { get: "allow", post: "allow" },
  "routes/forgot-password": { post: "allow" },
  "routes/reset-password.$token": { params: () => ({ token: "not-a-real-token" }), get: "missing", post: "allow" },
  "routes/invitation.$token": { params: () => ({ token: "not-a-real-token" }), get: "missing", post: "allow" },
  "routes/organisations.register": { post: "allow" },
  // Only for a client on this machine (issue 12); these requests carry no socket address, so it is not there.
  "routes/dev.mail": { get: "missing" },
  "routes/dashboard": { get: SIGNED_IN },
  "routes/coordinator": { get: COORDINATOR },
  "routes/coordinator._index": { get: COORDINATOR },
  "routes/coordinator.approvals._index": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.approvals.$id": { params: (f) => ({ id: f.pendingRevisionId }), get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.organisations": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.users": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.users_.invite": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.audit": { get: COORDINATOR },
  // Issue 18: answering subject-access and erasure requests.
  "routes/coordinator.subject-access": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.subject-access.download": { get: COORDINATOR },
  "routes/coordinator.stale": { get: COORDINATOR },
  "routes/confirm.$token": { params: () => ({ token: "not-a-real-token" }), get: "missing", post: "missing" },
  "routes/provider.services._index": { get: PROVIDER },
  "routes/provider.services.new": { get: PROVIDER, post: PROVIDER },
  // The service belongs to provider.two's organisation: provider.one (admin of another organisation) must not see it exists.
  "routes/provider.services.$id": {
    params: (f) => ({ id: f.otherOrganisationServiceId }),
    get: { provider: "allow", providerAdmin: "missing", default: "deny" },
    post: { provider: "allow", providerAdmin: "missing", default: "deny" },
  },
  "routes/provider.organisation": { get: PROVIDER_ADMIN, post: PROVIDER_ADMIN },
  // provider.two's organisation's location: provider.one must not see it exists.
  "routes/provider.locations.$id": {
    params: (f) => ({ id: f.otherOrganisationLocationId }),
    get: { provider: "allow", providerAdmin: "missing", default: "deny" },
    post: { provider: "allow", providerAdmin: "missing", default: "deny" },
  },
  "routes/api.map": { get: "allow" },
  "routes/referrals._index": { get: REFERRER },
  "routes/referrals.new": { get: REFERRER, post: REFERRER },
  "routes/referrals.events": { get: SIGNED_IN },
  // Only the referrer (and team) and the receiving organisation see a referral; anyone else is told it does not exist.
  "routes/referrals.$id": {
    params: (f) => ({ id: f.referralId }),
    // Coordinators see its status (personal details only with a recorded reason).
    get: { public: "deny", referrer: "allow", providerAdmin: "allow", coordinator: "allow", default: "missing" },
    post: { public: "deny", referrer: "allow", providerAdmin: "allow", coordinator: "allow", default: "missing" },
  },
  "routes/provider.referrals._index": { get: PROVIDER },
  "routes/coordinator.referrals._index": { get: COORDINATOR },
  "routes/services.$id_.self-referral": { params: (f) => ({ id: f.publishedServiceId }), get: "allow", post: "allow" },
  "routes/services.$id_.self-referral.sent": { params: (f) => ({ id: f.publishedServiceId }) },
  "routes/track.$reference": { params: () => ({ reference: "FORT-NOPE" }), get: "missing", post: "missing" },
  "routes/shortlist": { get: "allow" },
  "routes/api.oruk._index": OPEN_API,
  "routes/api.oruk.$": { params: () => ({ "*": "no-such-endpoint" }), get: "missing", post: "allow" },
  "routes/api.oruk.services._index": OPEN_API,
  "routes/api.oruk.services.$id": OPEN_API_ITEM,
  "routes/api.oruk.organizations._index": OPEN_API,
  "routes/api.oruk.organizations.$id": OPEN_API_ITEM,
  "routes/api.oruk.service_at_locations._index": OPEN_API,
  "routes/api.oruk.service_at_locations.$id": OPEN_API_ITEM,
  "routes/api.oruk.taxonomies._index": OPEN_API,
  "routes/api.oruk.taxonomies.$id": OPEN_API_ITEM,
  "routes/api.oruk.taxonomy_terms._index": OPEN_API,
  "routes/api.oruk.taxonomy_terms.$id": OPEN_API_ITEM,
  "routes/coordinator.import._index": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.import.$id": { params: NO_SUCH_ID, get: { coordinator: "missing", default: "deny" }, post: COORDINATOR },
  "routes/coordinator.export._index": { get: COORDINATOR },
  "routes/coordinator.export.download": { get: COORDINATOR },
  "routes/coordinator.reports": { get: COORDINATOR },
  "routes/coordinator.gaps": { get: COORDINATOR },
  "routes/coordinator_.reports.export.$table": { params: () => ({ table: "by-ward" }), get: COORDINATOR },
};

const WHO: Record<Exclude<Who, "public">, string> = {
  coordinator: DEMO.coordinator,
  referrer: DEMO.healthVisitor,
  provider: DEMO.providerTwo,
  providerAdmin: DEMO.providerOne,
};

const routes = Object.values(UNSAFE_flatRoutes(path.resolve("app"), [], "routes"));
const byId = new Map(routes.map((r) => [r.id, r]));

function fullPath(id: string): string {
  const route = byId.get(id);
  if (!route) return "";
  const parent = route.parentId && route.parentId !== "root" ? fullPath(route.parentId) : "";
  return [parent, route.path ?? ""].filter(Boolean).join("/");
}

function expected(rule: Rule, who: Who): Outcome {
  if (typeof rule === "string") return rule;
  return rule[who] ?? rule.default ?? "allow";
}

async function outcomeOf(run: () => Promise<unknown>): Promise<{ outcome: Outcome; status: number }> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    result = thrown;
  }
  let status = 200;
  let location: string | null = null;
  if (result instanceof Response) {
    status = result.status;
    location = result.headers.get("Location");
  } else if (result && typeof result === "object" && "init" in result && (result as { init?: ResponseInit }).init?.status) {
    status = (result as { init: ResponseInit }).init.status!;
  } else if (result instanceof Error) {
    throw result;
  }
  if (status === 401 || status === 403 || (location?.startsWith("/sign-in") ?? false)) return { outcome: "deny", status };
  if (status === 404 || status === 410) return { outcome: "missing", status };
  return { outcome: "allow", status };
}

let fixtures: Fixtures;

beforeAll(async () => {
  const db = await getDb();
  const { user: two } = await signedIn(DEMO.providerTwo);
  const [published] = await db.select({ id: s.services.id }).from(s.services).where(eq(s.services.publication, "published")).limit(1);
  const [theirs] = await db
    .select({ id: s.services.id })
    .from(s.services)
    .where(and(eq(s.services.organisationId, two.organisations[0]!.id), eq(s.services.publication, "published")))
    .limit(1);
  const form = (await getServiceForEditing(two, theirs!.id))!.current;
  await proposeServiceChange(two, theirs!.id, { ...form, summary: `${form.summary} (updated)` }, "5.5.5.5");
  const [revision] = await db.select({ id: s.serviceRevisions.id }).from(s.serviceRevisions).where(eq(s.serviceRevisions.status, "pending")).limit(1);
  // Sent by the health visitor (the "referrer" below) to provider.one's organisation ("providerAdmin").
  const { user: healthVisitor } = await signedIn(DEMO.healthVisitor);
  const sent = await sendReferral(healthVisitor, validInput([await serviceId(SERVICE_A)]));
  const [theirLocation] = await db.select({ id: s.locations.id }).from(s.locations).where(eq(s.locations.organisationId, two.organisations[0]!.id)).limit(1);
  fixtures = { otherOrganisationLocationId: theirLocation!.id, referralId: sent.ids[0]!, publishedServiceId: published!.id, otherOrganisationServiceId: theirs!.id, pendingRevisionId: revision!.id };
});

describe("the route manifest", () => {
  it("has an access rule for every route", () => {
    const missing = routes.map((r) => r.id).filter((id) => !(id in ACCESS));
    expect(missing, "routes with no access rule in test/integration/access-matrix.test.ts").toEqual([]);
  });
});

const ids = ["root", ...routes.map((r) => r.id)].filter((id) => id in ACCESS).sort();

describe.each(ids)("%s", (id) => {
  const access = ACCESS[id]!;
  const file = id === "root" ? "root.tsx" : byId.get(id)!.file;

  it("lets the right people in and keeps everyone else out", async () => {
    const mod = await import(/* @vite-ignore */ path.resolve("app", file));
    const params = access.params?.(fixtures) ?? {};
    const url = `http://localhost:3000/${fullPath(id)
      .replace(/:(\w+)/g, (_, name: string) => params[name] ?? name)
      .replace(/\*$/, params["*"] ?? "")}`;
    const results: string[] = [];
    const wanted: string[] = [];
    for (const who of ["public", "coordinator", "referrer", "provider", "providerAdmin"] as Who[]) {
      const headers: Record<string, string> = who === "public" ? {} : { Cookie: (await signedIn(WHO[who])).cookie };
      if (access.get !== undefined) {
        expect(mod.loader, `${id} has a GET rule but no loader`).toBeTypeOf("function");
        const { outcome } = await outcomeOf(() => mod.loader({ request: new Request(url, { headers }), params, context: {} }));
        results.push(`GET ${who}: ${outcome}`);
        wanted.push(`GET ${who}: ${expected(access.get, who)}`);
      } else {
        expect(mod.loader, `${id} has a loader but no GET rule`).toBeUndefined();
      }
      if (access.post !== undefined) {
        expect(mod.action, `${id} has a POST rule but no action`).toBeTypeOf("function");
        const request = new Request(url, { method: "POST", headers: { ...headers, Origin: "http://localhost:3000" }, body: new FormData() });
        const { outcome } = await outcomeOf(() => mod.action({ request, params, context: {} }));
        results.push(`POST ${who}: ${outcome}`);
        wanted.push(`POST ${who}: ${expected(access.post, who)}`);

        // Whoever it is, a form posted from another site is refused.
        const forged = new Request(url, { method: "POST", headers: { ...headers, Origin: "https://evil.example" }, body: new FormData() });
        const { status } = await outcomeOf(() => mod.action({ request: forged, params, context: {} }));
        results.push(`forged POST ${who}: ${status}`);
        wanted.push(`forged POST ${who}: 403`);
      } else {
        expect(mod.action, `${id} has an action but no POST rule`).toBeUndefined();
      }
    }
    expect(results).toEqual(wanted);
  });
});
