// The non-working days (issue 15): Scottish bank holidays (written by a migration) and local holidays that
// coordinators add and remove. Every working-day count in TypeScript uses nonWorkingDates(); PostgreSQL reads the
// same table (docs/decisions/0024-working-days-and-holidays.md).
import { and, asc, eq, gte, lte } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import type { CurrentUser } from "../auth/session.server";
import { assertMay } from "../auth/policy.server";
import { clock } from "../clock.server";
import { getDb } from "../db.server";
import { NotFound, Refused } from "../domain/errors";
import type { LocalHoliday } from "./holiday-form";
import type { NonWorkingDates } from "./working-days";

// Short, so another server picks up a coordinator's change within a minute; this server forgets at once.
const CACHE_MS = 60_000;
let cached: { at: number; dates: Promise<NonWorkingDates> } | null = null;

/** Every non-working date, sorted. Cached briefly: overdue flags and lists read it on every page. */
export function nonWorkingDates(): Promise<NonWorkingDates> {
  const now = Date.now();
  if (!cached || now - cached.at > CACHE_MS) {
    const dates = (async () => {
      const db = await getDb();
      const rows = await db.select({ day: s.nonWorkingDays.day }).from(s.nonWorkingDays).orderBy(asc(s.nonWorkingDays.day));
      return Object.freeze(rows.map((r) => r.day));
    })();
    cached = { at: now, dates };
    // A failed read is not kept: the next caller tries again.
    dates.catch(() => {
      if (cached?.dates === dates) cached = null;
    });
  }
  return cached.dates;
}

export function forgetNonWorkingDates() {
  cached = null;
}

/** The non-working dates from `from`'s day to today: what a page needs to count working days since `from`. */
export async function nonWorkingDatesSince(from: Date | string | null | undefined): Promise<NonWorkingDates> {
  const all = await nonWorkingDates();
  if (!from) return [];
  const first = new Date(from).toISOString().slice(0, 10);
  // Tomorrow too, in case the browser's clock has passed midnight before the page is rendered.
  const last = new Date(clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
  return all.filter((d) => d >= first && d <= last);
}

/** The non-working dates a page needs to show how long ago each of these referrals was sent. */
export function nonWorkingDatesFor(items: { sentAt: Date | string | null }[]): Promise<NonWorkingDates> {
  const sent = items.map((i) => (i.sentAt ? new Date(i.sentAt).getTime() : Infinity));
  const oldest = Math.min(...sent);
  return nonWorkingDatesSince(Number.isFinite(oldest) ? new Date(oldest) : null);
}

export interface NonWorkingDay {
  day: string;
  name: string;
  kind: "bank" | "local";
  addedBy: string | null;
}

/** The bank and local holidays between two dates (inclusive), for the coordinator's page. */
export async function listNonWorkingDays(actor: CurrentUser, from: string, to: string): Promise<NonWorkingDay[]> {
  assertMay(actor, "calendar.manage");
  const db = await getDb();
  return db
    .select({ day: s.nonWorkingDays.day, name: s.nonWorkingDays.name, kind: s.nonWorkingDays.kind, addedBy: s.users.name })
    .from(s.nonWorkingDays)
    .leftJoin(s.users, eq(s.users.id, s.nonWorkingDays.createdBy))
    .where(and(gte(s.nonWorkingDays.day, from), lte(s.nonWorkingDays.day, to)))
    .orderBy(asc(s.nonWorkingDays.day));
}

/** Adds a local holiday; the trigger on the table recounts the referrals whose span covers it. */
export async function addLocalHoliday(actor: CurrentUser, holiday: LocalHoliday, ip?: string): Promise<void> {
  assertMay(actor, "calendar.manage");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ name: s.nonWorkingDays.name }).from(s.nonWorkingDays).where(eq(s.nonWorkingDays.day, holiday.day));
    if (existing) throw Refused.field("day", `That date is already a non-working day (${existing.name})`);
    await tx.insert(s.nonWorkingDays).values({ day: holiday.day, name: holiday.name, kind: "local", createdBy: actor.id });
    await audit(
      { actorId: actor.id, action: "local_holiday_added", subjectType: "non_working_day", subjectId: holiday.day, ip, details: { name: holiday.name } },
      tx,
    );
  });
  forgetNonWorkingDates();
}

/** Removes a local holiday. Bank holidays come from the law, not from a coordinator, so they cannot be removed here. */
export async function removeLocalHoliday(actor: CurrentUser, day: string, ip?: string): Promise<void> {
  assertMay(actor, "calendar.manage");
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(s.nonWorkingDays)
      .where(and(eq(s.nonWorkingDays.day, day), eq(s.nonWorkingDays.kind, "local")))
      .returning({ name: s.nonWorkingDays.name });
    if (!removed) throw new NotFound("That local holiday has already been removed. Reload the page.");
    await audit(
      { actorId: actor.id, action: "local_holiday_removed", subjectType: "non_working_day", subjectId: day, ip, details: { name: removed.name } },
      tx,
    );
  });
  forgetNonWorkingDates();
}
