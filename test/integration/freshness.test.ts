import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import { confirmByToken, reminderForToken, sendFreshnessReminders, staleServices } from "~/directory/freshness.server";
import { getPublishedService } from "~/directory/services.server";
import { DEMO, linkIn, outbox } from "../helpers";
import { demoUser } from "./referrals-helpers";

afterEach(() => setClock(null));

describe("keeping records fresh", () => {
  it("reminds providers of records unchecked for 5 and 6 months, once each, and lists them for coordinators", async () => {
    const stale = await staleServices(await demoUser(DEMO.coordinator));
    expect(stale.length).toBeGreaterThan(0);
    for (const s of stale) expect(new Date(s.lastCheckedOn).getTime()).toBeLessThan(Date.now() - 180 * 86_400_000);

    const sent = await sendFreshnessReminders();
    // Every stale record gets both reminders on the first run; nothing is sent twice.
    expect(sent).toBeGreaterThanOrEqual(stale.length * 2);
    expect(await sendFreshnessReminders()).toBe(0);
    const mails = (await outbox()).filter((m) => m.subject.includes(stale[0]!.name));
    expect(mails.some((m) => m.subject.startsWith("Second reminder"))).toBe(true);
    expect(mails[0]!.text).not.toMatch(/child/i);
    expect((await staleServices(await demoUser(DEMO.coordinator)))[0]!.remindersSent).toBeGreaterThanOrEqual(2);
  });

  it("confirms a record with the one-click link, which then says it is done", async () => {
    await sendFreshnessReminders();
    const stale = await staleServices(await demoUser(DEMO.coordinator));
    const target = stale[0]!;
    const mail = (await outbox()).find((m) => m.subject.includes(target.name))!;
    const token = linkIn(mail.text, "/confirm");
    expect(await reminderForToken(token)).toMatchObject({ name: target.name, alreadyConfirmed: false });
    expect(await confirmByToken(token)).toEqual({ ok: true, name: target.name });
    expect((await getPublishedService(target.id))!.lastCheckedOn).toBe(new Date().toISOString().slice(0, 10));
    expect((await staleServices(await demoUser(DEMO.coordinator))).map((x) => x.id)).not.toContain(target.id);
    expect(await reminderForToken(token)).toMatchObject({ alreadyConfirmed: true });
    expect(await confirmByToken("made-up")).toEqual({ ok: false });
  });

  it("reminds again when a confirmed record goes stale again", async () => {
    const db = await getDb();
    await sendFreshnessReminders();
    const [fresh] = await db.select({ id: s.services.id, name: s.services.name }).from(s.services).where(eq(s.services.publication, "published")).limit(1);
    const before = (await outbox()).filter((m) => m.subject.includes(fresh!.name)).length;
    setClock({ now: () => new Date(Date.now() + 400 * 86_400_000) });
    await sendFreshnessReminders();
    expect((await outbox()).filter((m) => m.subject.includes(fresh!.name)).length).toBeGreaterThan(before);
  });
});

describe("stale records in the directory", () => {
  it("sink below current ones when sorted by name", async () => {
    const { searchServices } = await import("~/directory/search.server");
    const { items } = await searchServices({ filters: { need: [], accepting: false }, place: null, sort: "name", page: 1, pageSize: 200 });
    const stale = new Set((await staleServices(await demoUser(DEMO.coordinator))).map((x) => x.id));
    expect(stale.size).toBeGreaterThan(0);
    const firstStale = items.findIndex((i) => stale.has(i.id));
    expect(firstStale).toBe(items.length - stale.size);
    expect(items.slice(firstStale).every((i) => stale.has(i.id))).toBe(true);
  });
});
