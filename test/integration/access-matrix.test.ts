// Every route × every role: allowed, denied (403 / sign-in redirect) or not found. The list of routes comes
// from the route manifest, so a new route without an entry here fails this test until someone decides who may use it.
// It checks the room as well as the door: an allowed role gets the page (200) with the row's data in it, a refused
// role gets 403 (or the sign-in page when signed out) or 404, and none of the row's data.
import path from "node:path";
import { UNSAFE_flatRoutes } from "@remix-run/dev";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { getServiceForEditing, proposeServiceChange } from "~/directory/service-editing.server";
import { sendReferral } from "~/referrals/commands.server";
import { SERVICE_A, serviceId, validInput } from "./referrals-helpers";
import { DEMO, signedIn } from "../helpers";

// No job worker runs in tests, so readiness would answer 503 to everyone alike; here it is the door that is tested.
vi.mock("~/jobs/scheduler.server", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  schedulerState: () => ({ running: true, polling: true }),
}));

type Who = "public" | "coordinator" | "referrer" | "provider" | "providerAdmin";
type Outcome = "allow" | "redirect" | "deny" | "missing";
type Rule = Outcome | (Partial<Record<Who, Outcome>> & { default?: Outcome });

interface Fixtures {
  referralId: string;
  referralReference: string;
  childName: string;
  otherOrganisationName: string;
  otherOrganisationLocationName: string;
  otherOrganisationServiceName: string;
  publishedServiceName: string;
  proposedSummary: string;
  names: Record<Exclude<Who, "public">, string>;
  otherOrganisationLocationId: string;
  publishedServiceId: string;
  otherOrganisationServiceId: string;
  pendingRevisionId: string;
}

interface Access {
  params?: (f: Fixtures) => Record<string, string>;
  /** The query string a GET needs to be a real request (without it the page answers 400 to everyone). */
  query?: string;
  get?: Rule;
  post?: Rule;
  /** What an allowed role's GET shows of the route's data: present for them, absent for every refused role. */
  shows?: (f: Fixtures) => Partial<Record<Who, string>>;
}

const SIGNED_IN: Rule = { public: "deny", default: "allow" };
const COORDINATOR: Rule = { coordinator: "allow", default: "deny" };
const PROVIDER: Rule = { provider: "allow", providerAdmin: "allow", default: "deny" };
const REFERRER: Rule = { referrer: "allow", default: "deny" };
const PROVIDER_ADMIN: Rule = { providerAdmin: "allow", default: "deny" };

const ORGANISATION_ONE = "Tay Family Links"; // provider.one administers it
const everyone = (text: string): Record<Who, string> => ({ public: text, coordinator: text, referrer: text, provider: text, providerAdmin: text });

const NO_SUCH_ID = () => ({ id: "00000000-0000-4000-8000-000000000000" });
// The Open Referral API is open data: anyone reads it; it is read-only (POST gets 405).
const OPEN_API: Access = { get: "allow", post: "allow" };
const OPEN_API_ITEM: Access = { params: NO_SUCH_ID, get: "missing", post: "allow" };

export const ACCESS: Record<string, Access> = {
  root: { get: "allow", shows: (f) => f.names },
  "routes/_index": { get: "allow" },
  "routes/about.data": {},
  "routes/healthz": { get: "allow" },
  // Readiness answers 503 where no job worker runs (as in this test), which is still an answer to anyone.
  "routes/readyz": { get: "allow" },
  // Every address nothing else matches: not found, for everyone.
  "routes/$": { params: () => ({ "*": "no/such/page" }), get: "missing" },
  "routes/services.$id": { params: (f) => ({ id: f.publishedServiceId }), get: "allow", shows: (f) => everyone(f.publishedServiceName) },
  // Signed in already: sign-in sends you on; sign-out's GET only sends you back (signing out takes a POST).
  "routes/sign-in": { get: { public: "allow", default: "redirect" }, post: "allow" },
  "routes/sign-out": { get: "redirect", post: "allow" },
  "routes/forgot-password": { post: "allow" },
  "routes/reset-password.$token": { params: () => ({ token: "not-a-real-token" }), get: "missing", post: "allow" },
  "routes/invitation.$token": { params: () => ({ token: "not-a-real-token" }), get: "missing", post: "allow" },
  "routes/organisations.register": { post: "allow" },
  // Only for a client on this machine (issue 12); these requests carry no socket address, so it is not there.
  "routes/dev.mail": { get: "missing" },
  "routes/dashboard": { get: SIGNED_IN, shows: (f) => f.names },
  "routes/coordinator": { get: COORDINATOR },
  "routes/coordinator._index": { get: { coordinator: "redirect", default: "deny" } },
  "routes/coordinator.approvals._index": { get: COORDINATOR, post: COORDINATOR, shows: (f) => ({ coordinator: f.otherOrganisationServiceName }) },
  "routes/coordinator.approvals.$id": {
    params: (f) => ({ id: f.pendingRevisionId }),
    get: COORDINATOR,
    post: COORDINATOR,
    shows: (f) => ({ coordinator: f.proposedSummary }),
  },
  "routes/coordinator.organisations": { get: COORDINATOR, post: COORDINATOR, shows: (f) => ({ coordinator: f.otherOrganisationName }) },
  "routes/coordinator.users": { get: COORDINATOR, post: COORDINATOR, shows: () => ({ coordinator: DEMO.providerTwo }) },
  "routes/coordinator.users_.invite": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.audit": { get: COORDINATOR },
  "routes/coordinator_.audit.csv": { get: COORDINATOR },
  // Issue 18: answering subject-access and erasure requests.
  "routes/coordinator.subject-access": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.subject-access.download": { query: "?reference=FR-NOPE-NOPE&format=json", get: COORDINATOR },
  "routes/coordinator.stale": { get: COORDINATOR },
  "routes/coordinator.synonyms": { get: COORDINATOR, post: COORDINATOR },
  "routes/coordinator.holidays": { get: COORDINATOR, post: COORDINATOR },
  "routes/confirm.$token": { params: () => ({ token: "not-a-real-token" }), get: "missing", post: "missing" },
  "routes/provider.services._index": { get: PROVIDER, shows: (f) => ({ provider: f.otherOrganisationServiceName }) },
  "routes/provider.services.new": { get: PROVIDER, post: PROVIDER },
  // The service belongs to provider.two's organisation: provider.one (admin of another organisation) must not see it exists.
  "routes/provider.services.$id": {
    params: (f) => ({ id: f.otherOrganisationServiceId }),
    get: { provider: "allow", providerAdmin: "missing", default: "deny" },
    post: { provider: "allow", providerAdmin: "missing", default: "deny" },
    shows: (f) => ({ provider: f.otherOrganisationServiceName }),
  },
  "routes/provider.organisation": { get: PROVIDER_ADMIN, post: PROVIDER_ADMIN, shows: () => ({ providerAdmin: ORGANISATION_ONE }) },
  // provider.two's organisation's location: provider.one must not see it exists.
  "routes/provider.locations.$id": {
    params: (f) => ({ id: f.otherOrganisationLocationId }),
    get: { provider: "allow", providerAdmin: "missing", default: "deny" },
    post: { provider: "allow", providerAdmin: "missing", default: "deny" },
    shows: (f) => ({ provider: f.otherOrganisationLocationName }),
  },
  "routes/api.map": { query: "?bbox=-3.1,56.4,-2.8,56.5&zoom=16", get: "allow" },
  // Lists show a child as "Rowan M."; the reference is the row.
  "routes/referrals._index": { get: REFERRER, shows: (f) => ({ referrer: f.referralReference }) },
  "routes/referrals.new": { get: REFERRER, post: REFERRER },
  "routes/referrals.events": { get: SIGNED_IN },
  // Only the referrer (and team) and the receiving organisation see a referral; anyone else is told it does not exist.
  "routes/referrals.$id": {
    params: (f) => ({ id: f.referralId }),
    // Coordinators see its status (personal details only with a recorded reason).
    get: { public: "deny", referrer: "allow", providerAdmin: "allow", coordinator: "allow", default: "missing" },
    post: { public: "deny", referrer: "allow", providerAdmin: "allow", coordinator: "allow", default: "missing" },
    shows: (f) => ({ referrer: f.childName, providerAdmin: f.childName, coordinator: f.referralReference }),
  },
  "routes/provider.referrals._index": { get: PROVIDER, shows: (f) => ({ providerAdmin: f.referralReference }) },
  "routes/coordinator.referrals._index": { get: COORDINATOR, shows: (f) => ({ coordinator: f.referralReference }) },
  "routes/services.$id_.self-referral": {
    params: (f) => ({ id: f.publishedServiceId }),
    get: "allow",
    post: "allow",
    shows: (f) => everyone(f.publishedServiceName),
  },
  "routes/services.$id_.self-referral.sent": { params: (f) => ({ id: f.publishedServiceId }) },
  "routes/track.$reference": { params: () => ({ reference: "FORT-NOPE" }), get: "missing", post: "missing" },
  // "Lost your link?" (issue 16): the same answer for everyone, whether or not the reference exists.
  "routes/track.lost": { post: "allow" },
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

interface Answer {
  outcome: Outcome | `status ${number}` | "sign-in redirect";
  status: number;
  body: string;
}

/** What a loader or action answered, as a person would meet it: allowed (200), refused, missing, and the body's text. */
async function answerOf(who: Who, method: "GET" | "POST", run: () => Promise<unknown>): Promise<Answer> {
  let result: unknown;
  try {
    result = await run();
  } catch (thrown) {
    result = thrown;
  }
  let status = 200;
  let location: string | null = null;
  let body = "";
  if (result instanceof Response) {
    status = result.status;
    location = result.headers.get("Location");
    // A live stream never ends by itself: its headers are the answer.
    if (result.headers.get("Content-Type")?.includes("text/event-stream")) await result.body?.cancel();
    else body = await result.text();
  } else if (result instanceof Error) {
    throw result;
  } else if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const { data, init } = result as unknown as { data: unknown; init?: ResponseInit };
    status = init?.status ?? 200;
    body = JSON.stringify(data) ?? "";
  } else {
    body = JSON.stringify(result) ?? "";
  }
  const toSignIn = location?.startsWith("/sign-in") ?? false;
  let outcome: Answer["outcome"];
  if (status === 403 || (who === "public" && (status === 401 || toSignIn))) outcome = "deny";
  else if (toSignIn)
    outcome = "sign-in redirect"; // a signed-in person sent to sign in again is not a refusal they can understand
  else if (status === 404 || status === 410) outcome = "missing";
  else if (status === 200) outcome = "allow";
  else if (status >= 300 && status < 400 && method === "GET") outcome = "redirect";
  // An action that got past the door answers an empty form with 400 (each field's error), a redirect, or 405.
  else if (method === "POST" && status !== 401 && status < 500) outcome = "allow";
  else outcome = `status ${status}`;
  return { outcome, status, body };
}

let fixtures: Fixtures;

beforeAll(async () => {
  const db = await getDb();
  const { user: two } = await signedIn(DEMO.providerTwo);
  const [published] = await db.select({ id: s.services.id, name: s.services.name }).from(s.services).where(eq(s.services.publication, "published")).limit(1);
  const [theirs] = await db
    .select({ id: s.services.id, name: s.services.name })
    .from(s.services)
    .where(and(eq(s.services.organisationId, two.organisations[0]!.id), eq(s.services.publication, "published")))
    .limit(1);
  const form = (await getServiceForEditing(two, theirs!.id))!.current;
  const proposedSummary = `${form.summary} (proposed by the matrix)`;
  await proposeServiceChange(two, theirs!.id, { ...form, summary: proposedSummary }, "5.5.5.5");
  const [revision] = await db.select({ id: s.serviceRevisions.id }).from(s.serviceRevisions).where(eq(s.serviceRevisions.status, "pending")).limit(1);
  // Sent by the health visitor (the "referrer" below) to provider.one's organisation ("providerAdmin").
  const { user: healthVisitor } = await signedIn(DEMO.healthVisitor);
  const childName = "Rowan Matrixchild";
  const sent = await sendReferral(healthVisitor, validInput([await serviceId(SERVICE_A)], { childName }));
  const [referral] = await db.select({ reference: s.referrals.reference }).from(s.referrals).where(eq(s.referrals.id, sent.ids[0]!));
  const [theirLocation] = await db
    .select({ id: s.locations.id, name: s.locations.name })
    .from(s.locations)
    .where(eq(s.locations.organisationId, two.organisations[0]!.id))
    .limit(1);
  const names = Object.fromEntries(
    await Promise.all(Object.entries(WHO).map(async ([who, email]) => [who, (await signedIn(email)).user.name] as const)),
  ) as Fixtures["names"];
  fixtures = {
    otherOrganisationLocationId: theirLocation!.id,
    otherOrganisationLocationName: theirLocation!.name,
    otherOrganisationName: two.organisations[0]!.name,
    referralId: sent.ids[0]!,
    referralReference: referral!.reference,
    childName,
    publishedServiceId: published!.id,
    publishedServiceName: published!.name,
    otherOrganisationServiceId: theirs!.id,
    otherOrganisationServiceName: theirs!.name,
    pendingRevisionId: revision!.id,
    proposedSummary,
    names,
  };
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
      .replace(/\*$/, params["*"] ?? "")}${access.query ?? ""}`;
    const results: string[] = [];
    const wanted: string[] = [];
    const shown = access.shows?.(fixtures) ?? {};
    const rowData = [...new Set(Object.values(shown).filter((text): text is string => Boolean(text)))];
    /** The answer as one line: its outcome, and whether the row's data was there for the allowed or leaked to the refused. */
    const line = (label: string, answer: Answer, wantedOutcome: Outcome, mark: string | undefined) => {
      const leaked = answer.outcome !== "allow" && rowData.filter((text) => answer.body.includes(text));
      results.push(
        `${label}: ${answer.outcome}` +
          (answer.outcome === "allow" && mark && !answer.body.includes(mark) ? ` without "${mark}"` : "") +
          (leaked && leaked.length > 0 ? ` but showing ${leaked.map((t) => `"${t}"`).join(", ")}` : ""),
      );
      wanted.push(`${label}: ${wantedOutcome}`);
    };
    for (const who of ["public", "coordinator", "referrer", "provider", "providerAdmin"] as Who[]) {
      const headers: Record<string, string> = who === "public" ? {} : { Cookie: (await signedIn(WHO[who])).cookie };
      if (access.get !== undefined) {
        expect(mod.loader, `${id} has a GET rule but no loader`).toBeTypeOf("function");
        const answer = await answerOf(who, "GET", () => mod.loader({ request: new Request(url, { headers }), params, context: {} }));
        line(`GET ${who}`, answer, expected(access.get, who), shown[who]);
      } else {
        expect(mod.loader, `${id} has a loader but no GET rule`).toBeUndefined();
      }
      if (access.post !== undefined) {
        expect(mod.action, `${id} has a POST rule but no action`).toBeTypeOf("function");
        const request = new Request(url, { method: "POST", headers: { ...headers, Origin: "http://localhost:3000" }, body: new FormData() });
        const answer = await answerOf(who, "POST", () => mod.action({ request, params, context: {} }));
        line(`POST ${who}`, answer, expected(access.post, who), undefined);

        // Whoever it is, a form posted from another site is refused.
        const forged = new Request(url, { method: "POST", headers: { ...headers, Origin: "https://evil.example" }, body: new FormData() });
        const { status } = await answerOf(who, "POST", () => mod.action({ request: forged, params, context: {} }));
        results.push(`forged POST ${who}: ${status}`);
        wanted.push(`forged POST ${who}: 403`);
      } else {
        expect(mod.action, `${id} has an action but no POST rule`).toBeUndefined();
      }
    }
    expect(results).toEqual(wanted);
  });
});
