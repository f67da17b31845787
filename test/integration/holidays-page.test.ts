// The coordinator's holidays page: adding and removing a local holiday through the page, audited, with bad input
// answered by a 400 and the message beside the field.
import type { AppLoadContext } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { nonWorkingDates } from "~/calendar/non-working-days.server";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import * as page from "~/routes/coordinator.holidays";
import { DEMO, signedIn } from "../helpers";

type Handler = (args: { request: Request; params: Record<string, string>; context: AppLoadContext }) => unknown;

async function call(handler: Handler, cookie: string, body?: Record<string, string>) {
  const headers = new Headers({ Origin: "http://localhost", Cookie: cookie });
  const init: RequestInit = body ? { method: "POST", body: new URLSearchParams(body), headers } : { headers };
  if (body) headers.set("Content-Type", "application/x-www-form-urlencoded");
  let result: unknown;
  try {
    result = await handler({ request: new Request("http://localhost/coordinator/holidays", init), params: {}, context: {} });
  } catch (thrown) {
    result = thrown;
  }
  if (result instanceof Response) return { status: result.status, data: undefined as unknown };
  if (result && typeof result === "object" && "init" in result) {
    const d = result as { init?: ResponseInit | null; data: unknown };
    return { status: d.init?.status ?? 200, data: d.data };
  }
  return { status: 200, data: result };
}

describe("the holidays page", () => {
  it("lists this year's bank holidays and lets a coordinator add and remove a local one, audited", async () => {
    setClock({ now: () => new Date("2026-06-01T10:00:00Z") });
    try {
      const { cookie, user } = await signedIn(DEMO.coordinator);
      const listed = (await call(page.loader, cookie)).data as { days: { day: string; kind: string }[] };
      expect(listed.days).toContainEqual(expect.objectContaining({ day: "2026-12-28", kind: "bank" }));
      expect(listed.days).toContainEqual(expect.objectContaining({ day: "2027-01-04", kind: "bank" }));

      const added = await call(page.action, cookie, { intent: "add", day: "2026-10-05", name: "Dundee autumn holiday" });
      expect(added.status).toBe(200);
      expect(await nonWorkingDates()).toContain("2026-10-05");
      const after = (await call(page.loader, cookie)).data as { days: { day: string; kind: string; addedBy: string | null }[] };
      expect(after.days).toContainEqual(expect.objectContaining({ day: "2026-10-05", kind: "local", addedBy: user.name }));

      const db = await getDb();
      const audited = await db
        .select({ action: s.auditLog.action, actorId: s.auditLog.actorId })
        .from(s.auditLog)
        .where(and(eq(s.auditLog.subjectType, "non_working_day"), eq(s.auditLog.subjectId, "2026-10-05")));
      expect(audited).toEqual([{ action: "local_holiday_added", actorId: user.id }]);

      expect((await call(page.action, cookie, { intent: "remove", day: "2026-10-05" })).status).toBe(200);
      expect(await nonWorkingDates()).not.toContain("2026-10-05");
      const removed = await db.select({ action: s.auditLog.action }).from(s.auditLog).where(eq(s.auditLog.action, "local_holiday_removed"));
      expect(removed).toHaveLength(1);
    } finally {
      setClock(null);
    }
  });

  it("answers bad input with a 400 and the message beside the field", async () => {
    const { cookie } = await signedIn(DEMO.coordinator);
    const cases: [Record<string, string>, "day" | "name" | "form", RegExp][] = [
      [{ intent: "add", day: "", name: "Autumn" }, "day", /Enter the date/],
      [{ intent: "add", day: "2026-02-30", name: "Autumn" }, "day", /real date/],
      [{ intent: "add", day: "2026-10-03", name: "Autumn" }, "day", /weekday/],
      [{ intent: "add", day: "2026-10-05", name: "   " }, "name", /Enter the name/],
      [{ intent: "add", day: "2026-12-25", name: "Christmas again" }, "day", /already a non-working day \(Christmas Day\)/],
      [{ intent: "remove", day: "not a date" }, "form", /no longer exists/],
    ];
    for (const [body, field, message] of cases) {
      const result = await call(page.action, cookie, body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      // conform's reply: each message under its field ("" for the form's own), and what was typed to refill the form.
      const { error, initialValue } = (result.data as { result: { error: Record<string, string[]>; initialValue: Record<string, string> } }).result;
      expect(error[field === "form" ? "" : field]?.[0], JSON.stringify(body)).toMatch(message);
      if (body.intent === "add") expect(initialValue.name).toBe(body.name);
    }
  });

  it("is for coordinators only", async () => {
    const { cookie } = await signedIn(DEMO.providerOne);
    expect((await call(page.loader, cookie)).status).toBe(403);
    expect((await call(page.action, cookie, { intent: "add", day: "2026-10-05", name: "Not theirs" })).status).toBe(403);
  });
});
