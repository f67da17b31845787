// Keeping records current: reminders at 5 and 6 months unchecked, one-click confirmation, the stale list.
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import * as s from "../../db/schema";
import { audit } from "../audit/audit.server";
import { assertMay, serviceEditScope } from "../auth/policy.server";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { getDb } from "../db.server";
import { queueMail } from "../mail/mail.server";
import { createToken, hashToken } from "../users/tokens.server";

export const STAGES = [
  { stage: "5_months", months: 5 },
  { stage: "6_months", months: 6 },
] as const;

const today = () => clock.now().toISOString().slice(0, 10);

function monthsAgo(months: number) {
  return sql`(${today()}::date - make_interval(months => ${months}))::date`;
}

/** Sends each due reminder once per stage and check date; returns how many were sent. */
export async function sendFreshnessReminders(): Promise<number> {
  const db = await getDb();
  let sent = 0;
  for (const { stage, months } of STAGES) {
    const due = await db
      .select({
        id: s.services.id,
        name: s.services.name,
        lastCheckedOn: s.services.lastCheckedOn,
        organisationId: s.services.organisationId,
        orgEmail: s.organisations.email,
      })
      .from(s.services)
      .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
      .where(
        and(
          eq(s.services.publication, "published"),
          lte(s.services.lastCheckedOn, monthsAgo(months)),
          sql`not exists (select 1 from ${s.freshnessReminders} r where r.service_id = ${s.services.id} and r.stage = ${stage} and r.for_checked_on = ${s.services.lastCheckedOn})`,
        ),
      );
    for (const service of due) {
      const staff = await db
        .select({ email: s.users.email })
        .from(s.memberships)
        .innerJoin(s.users, eq(s.users.id, s.memberships.userId))
        .where(and(eq(s.memberships.organisationId, service.organisationId), eq(s.users.active, true)));
      const recipients = [...new Set([service.orgEmail, ...staff.map((x) => x.email)].filter((e): e is string => Boolean(e)))];
      const { token, hash } = createToken();
      await db.transaction(async (tx) => {
        await tx.insert(s.freshnessReminders).values({ serviceId: service.id, stage, forCheckedOn: service.lastCheckedOn, tokenHash: hash });
        for (const to of recipients) {
          await queueMail(
            {
              to,
              subject: `${stage === "6_months" ? "Second reminder: " : ""}Is ${service.name} still right on FORT?`,
              text: [
                `${service.name} was last checked on FORT on ${service.lastCheckedOn}.`,
                "",
                "Families and professionals rely on it being current. If nothing has changed, confirm it with one click:",
                `${config().APP_URL}/confirm/${token}`,
                "",
                `If something has changed, update it here: ${config().APP_URL}/provider/services/${service.id}`,
                stage === "6_months" ? "\nRecords unchecked for six months are flagged to FORT's coordinators and shown lower in search results." : "",
              ].join("\n"),
            },
            tx,
          );
        }
      });
      sent++;
    }
  }
  return sent;
}

export async function reminderForToken(token: string) {
  const db = await getDb();
  const [row] = await db
    .select({
      serviceId: s.services.id,
      name: s.services.name,
      lastCheckedOn: s.services.lastCheckedOn,
      forCheckedOn: s.freshnessReminders.forCheckedOn,
      usedAt: s.freshnessReminders.usedAt,
    })
    .from(s.freshnessReminders)
    .innerJoin(s.services, eq(s.services.id, s.freshnessReminders.serviceId))
    .where(eq(s.freshnessReminders.tokenHash, hashToken(token)));
  if (!row) return null;
  return { ...row, alreadyConfirmed: row.usedAt !== null || row.lastCheckedOn !== row.forCheckedOn };
}

async function markChecked(serviceId: string, actorId: string | null, how: string) {
  const db = await getDb();
  await db.update(s.services).set({ lastCheckedOn: today() }).where(eq(s.services.id, serviceId));
  await audit({ actorId, action: "service_approved", subjectType: "service", subjectId: serviceId, details: { confirmedCurrent: how } });
}

/** The one-click confirmation from a reminder email. */
export async function confirmByToken(token: string): Promise<{ ok: boolean; name?: string }> {
  const reminder = await reminderForToken(token);
  if (!reminder) return { ok: false };
  if (!reminder.alreadyConfirmed) {
    const db = await getDb();
    await db
      .update(s.freshnessReminders)
      .set({ usedAt: clock.now() })
      .where(and(eq(s.freshnessReminders.tokenHash, hashToken(token)), isNull(s.freshnessReminders.usedAt)));
    await markChecked(reminder.serviceId, null, "email link");
  }
  return { ok: true, name: reminder.name };
}

/** A signed-in provider confirms nothing has changed. */
export async function confirmServiceChecked(user: CurrentUser, serviceId: string) {
  // Confirming is the provider's word that their record is current; coordinators approve, they do not confirm.
  if (user.role !== "provider") return false;
  const db = await getDb();
  const [service] = await db
    .select({ id: s.services.id })
    .from(s.services)
    .where(and(eq(s.services.id, serviceId), serviceEditScope(user)));
  if (!service) return false;
  await markChecked(serviceId, user.id, "provider");
  return true;
}

/** Published services not checked for six months or more, oldest first. */
export async function staleServices(coordinator: CurrentUser) {
  assertMay(coordinator, "services.approve");
  const db = await getDb();
  return db
    .select({
      id: s.services.id,
      name: s.services.name,
      organisationName: s.organisations.name,
      lastCheckedOn: s.services.lastCheckedOn,
      remindersSent: sql<number>`(select count(*)::int from ${s.freshnessReminders} r where r.service_id = ${s.services.id} and r.for_checked_on = ${s.services.lastCheckedOn})`,
    })
    .from(s.services)
    .innerJoin(s.organisations, eq(s.organisations.id, s.services.organisationId))
    .where(and(eq(s.services.publication, "published"), lte(s.services.lastCheckedOn, monthsAgo(6))))
    .orderBy(asc(s.services.lastCheckedOn));
}
