// Applying a confirmed import in the background (issue 14): the page's action claims it and returns at once, the
// run writes its progress to the row, a run that stops is put back so it can be imported again, and only the
// coordinator who uploaded it sees it.
import type { AppLoadContext } from "@remix-run/node";
import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { getDb } from "~/db.server";
import { importFeed } from "~/openreferral/import.server";
import {
  ImportStateError,
  type ImportRunProgress,
  getStagedImport,
  recoverStoppedImports,
  settledImport,
  stageImport,
  startStagedImport,
} from "~/openreferral/staging.server";
import * as page from "~/routes/coordinator.import.$id";
import { DEMO, signedIn } from "../helpers";

const bytes = (text: string) => new TextEncoder().encode(text);
const ORGANISATION = { id: "5b1e0c2d-0000-4000-8000-0000000000f1", name: "Lochee Families Network", description: "A fictional group." };

/** A feed of `count` services, ids numbered from `from`; big enough to be written in several batches. */
function feed(count: number, from = 0) {
  const services = Array.from({ length: count }, (_, i) => ({
    id: `5b1e0c2d-0000-4000-8000-${String(from + i).padStart(12, "0")}`,
    name: `Lochee Play Session ${from + i}`,
    description: "Play and stories for under fives and their grown-ups.",
    status: "active",
    organization: ORGANISATION,
  }));
  return bytes(JSON.stringify({ contents: services }));
}

type Handler = (args: { request: Request; params: Record<string, string>; context: AppLoadContext }) => unknown;

/** Calls the page's loader (GET) or action (POST) as the browser would, and what it answered. */
async function call(handler: Handler, cookie: string, id: string, body?: Record<string, string>) {
  const headers = new Headers({ Origin: "http://localhost", Cookie: cookie });
  const init: RequestInit = body ? { method: "POST", body: new URLSearchParams(body), headers } : { headers };
  if (body) headers.set("Content-Type", "application/x-www-form-urlencoded");
  let result: unknown;
  try {
    result = await handler({ request: new Request(`http://localhost/coordinator/import/${id}`, init), params: { id }, context: {} });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, location: result.headers.get("Location"), data: undefined as unknown };
  if (result && typeof result === "object" && "init" in result) {
    const d = result as { init?: ResponseInit | null; data: unknown };
    return { status: d.init?.status ?? 200, location: null, data: d.data };
  }
  return { status: 200, location: null, data: result };
}

async function otherCoordinator() {
  const db = await getDb();
  await db.insert(s.users).values({ email: "second.coordinator@fort.example.org", name: "Second Coordinator", role: "coordinator" }).onConflictDoNothing();
  return signedIn("second.coordinator@fort.example.org");
}

async function row(id: string) {
  const db = await getDb();
  const [r] = await db
    .select({ state: s.openReferralImports.state, progress: s.openReferralImports.progress, content: s.openReferralImports.content })
    .from(s.openReferralImports)
    .where(eq(s.openReferralImports.id, id));
  return { ...r!, progress: r!.progress as ImportRunProgress | null };
}

describe("applying an import in the background", () => {
  it("returns at once, stores progress (records, of how many, rate) while it runs and the report when done; a second confirmation is refused", async () => {
    const { cookie, user } = await signedIn(DEMO.coordinator);
    const id = await stageImport(user, [{ name: "lochee.json", bytes: feed(2500) }], "Lochee directory");

    const confirmed = await call(page.action, cookie, id, { intent: "confirm" });
    expect(confirmed).toMatchObject({ status: 302, location: `/coordinator/import/${id}` });
    // The redirect came before the work was done: the page shows it running, with nothing written yet.
    const running = (await call(page.loader, cookie, id)).data as { state: string; progress: ImportRunProgress; report: { items: unknown[] } };
    expect(running.state).toBe("applying");
    expect(running.progress).toMatchObject({ total: 2500 });
    expect(running.report.items).toEqual([]);

    // A double click, or the same form from another tab, cannot apply it twice.
    const again = await call(page.action, cookie, id, { intent: "confirm" });
    expect(again.status).toBe(409);
    expect(again.data).toEqual({ message: "This import has already been applied or cancelled." });
    const cancel = await call(page.action, cookie, id, { intent: "cancel" });
    expect(cancel.status).toBe(409);

    // Progress seen while it runs always counts against the file's records.
    const seen: ImportRunProgress[] = [];
    const watching = (async () => {
      for (let r = await row(id); r.state === "applying"; r = await row(id)) {
        if (r.progress) seen.push(r.progress);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await settledImport(id);
    await watching;
    for (const p of seen) {
      expect(p.total).toBe(2500);
      expect(p.records).toBeLessThanOrEqual(2500);
    }

    const done = await row(id);
    expect(done.state).toBe("applied");
    expect(done.content.byteLength).toBe(0);
    expect(done.progress).toMatchObject({ records: 2500, total: 2500, written: 2500, secondsLeft: 0 });
    expect(done.progress!.rate).toBeGreaterThan(0);
    const finished = (await call(page.loader, cookie, id)).data as { state: string; report: { counts: { service: { create: number } } } };
    expect(finished).toMatchObject({ state: "applied", report: { counts: { service: { create: 2500 } } } });
    const db = await getDb();
    const saved = await db.select({ id: s.services.id }).from(s.services).where(eq(s.services.source, "Lochee directory"));
    expect(saved).toHaveLength(2500);
    const [entry] = await db.select({ actorId: s.auditLog.actorId }).from(s.auditLog).where(eq(s.auditLog.subjectId, id));
    expect(entry?.actorId).toBe(user.id);
  });

  it("puts a run whose server stopped back to be imported again, and a retry does not copy what was saved", async () => {
    const { cookie, user } = await signedIn(DEMO.coordinator);
    const id = await stageImport(user, [{ name: "lochee-2.json", bytes: feed(30, 5000) }], "Lochee directory, second list");
    // What a run that stopped part-way leaves: its first records saved, the row "applying", its progress written long ago.
    await importFeed({ files: [{ name: "first-part.json", bytes: feed(12, 5000) }] }, { source: "Lochee directory, second list", apply: true });
    const db = await getDb();
    const long = new Date(Date.now() - 10 * 60_000);
    await db
      .update(s.openReferralImports)
      .set({ state: "applying", decidedAt: long, progressAt: long, progress: { records: 12, total: 30, written: 12, rate: 40, secondsLeft: 1, seconds: 0.3 } })
      .where(eq(s.openReferralImports.id, id));

    // Loading the page finds it stale: it can be imported again, and the page says why it stopped.
    const loaded = (await call(page.loader, cookie, id)).data as { state: string; progress: ImportRunProgress };
    expect(loaded.state).toBe("previewed");
    expect(loaded.progress.failure).toMatch(/stopped before it finished, because FORT was restarted/);

    await startStagedImport(user, id);
    await settledImport(id);
    const staged = await getStagedImport(user, id);
    expect(staged?.state).toBe("applied");
    expect(staged?.result?.counts.service).toEqual({ create: 18, update: 0, unchanged: 12, skip: 0 });
    expect(staged?.result?.counts.organisation.create).toBe(0);
    expect(staged?.progress?.failure).toBeUndefined();
    const saved = await db
      .select({ id: s.services.id })
      .from(s.services)
      .where(
        inArray(
          s.services.id,
          Array.from({ length: 30 }, (_, i) => `5b1e0c2d-0000-4000-8000-${String(5000 + i).padStart(12, "0")}`),
        ),
      );
    expect(saved).toHaveLength(30);
  });

  it("at start-up recovers only runs that stopped: not fresh ones elsewhere (PostgreSQL), all on the embedded database", async () => {
    const { user } = await signedIn(DEMO.coordinator);
    const stale = await stageImport(user, [{ name: "stale.json", bytes: feed(2, 6000) }], undefined);
    const fresh = await stageImport(user, [{ name: "fresh.json", bytes: feed(2, 6100) }], undefined);
    const db = await getDb();
    await db
      .update(s.openReferralImports)
      .set({ state: "applying", progressAt: new Date(Date.now() - 3 * 60_000) })
      .where(eq(s.openReferralImports.id, stale));
    await db.update(s.openReferralImports).set({ state: "applying", progressAt: new Date() }).where(eq(s.openReferralImports.id, fresh));

    expect(await recoverStoppedImports()).toBe(1);
    expect((await row(stale)).state).toBe("previewed");
    expect((await row(fresh)).state).toBe("applying");
    expect(await recoverStoppedImports({ all: true })).toBe(1);
    expect((await row(fresh)).state).toBe("previewed");
    expect((await row(fresh)).progress?.failure).toMatch(/FORT was restarted/);
  });

  it("a run that cannot save a batch goes back to be imported again, with the reason and the upload kept", async () => {
    const { cookie, user } = await signedIn(DEMO.coordinator);
    const db = await getDb();
    const [taken] = await db.select({ id: s.contacts.id }).from(s.contacts).limit(1);
    const broken = {
      id: "5b1e0c2d-0000-4000-8000-000000007000",
      name: "Lochee Drop-in",
      description: "A drop-in for parents.",
      status: "active",
      organization: ORGANISATION,
      contacts: [{ id: taken!.id, name: "Duplicate id" }],
    };
    const id = await stageImport(user, [{ name: "broken.json", bytes: bytes(JSON.stringify(broken)) }], undefined);
    await startStagedImport(user, id);
    await settledImport(id);
    const after = await row(id);
    expect(after.state).toBe("previewed");
    expect(after.content.byteLength).toBeGreaterThan(0);
    expect(after.progress?.failure).toMatch(/^FORT could not save the records from the document to the document/);
    const shown = (await call(page.loader, cookie, id)).data as { progress: ImportRunProgress };
    expect(shown.progress.failure).not.toMatch(/\bat \S+:\d+/);
    // It can be confirmed again (it fails again here, but it is not stuck).
    await startStagedImport(user, id);
    await settledImport(id);
    expect((await row(id)).state).toBe("previewed");
  });

  it("is only the uploading coordinator's: another coordinator gets 404 on the page and a refusal in the domain; bad ids are 4xx", async () => {
    const { user } = await signedIn(DEMO.coordinator);
    const id = await stageImport(user, [{ name: "private.json", bytes: feed(1, 8000) }], undefined);
    const other = await otherCoordinator();
    expect(await getStagedImport(other.user, id)).toBeNull();
    await expect(startStagedImport(other.user, id)).rejects.toBeInstanceOf(ImportStateError);
    expect((await call(page.loader, other.cookie, id)).status).toBe(404);
    expect((await call(page.action, other.cookie, id, { intent: "confirm" })).status).toBe(404);
    expect((await row(id)).state).toBe("previewed");

    const mine = await signedIn(DEMO.coordinator);
    for (const bad of ["not-a-uuid", "00000000-0000-4000-8000-000000000000", "' or 1=1 --"]) {
      expect((await call(page.loader, mine.cookie, bad)).status).toBe(404);
      expect((await call(page.action, mine.cookie, bad, { intent: "confirm" })).status).toBe(404);
    }
    await expect(startStagedImport(user, "not-a-uuid")).rejects.toBeInstanceOf(ImportStateError);
    expect((await call(page.action, mine.cookie, id, { intent: "apply-twice" })).status).toBe(400);
  });
});
