// Shared by the referral integration tests: demo users as the app sees them, and a valid referral.
import { and, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import type { CurrentUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import type { ReferralInput } from "~/referrals/forms";

export async function demoUser(email: string): Promise<CurrentUser> {
  const db = await getDb();
  const [user] = await db
    .select({ id: s.users.id, email: s.users.email, name: s.users.name, role: s.users.role, teamId: s.users.teamId })
    .from(s.users)
    .where(eq(s.users.email, email));
  if (!user) throw new Error(`no demo user ${email}`);
  const organisations = await db
    .select({ id: s.organisations.id, name: s.organisations.name, isAdmin: s.memberships.isAdmin })
    .from(s.memberships)
    .innerJoin(s.organisations, eq(s.organisations.id, s.memberships.organisationId))
    .where(eq(s.memberships.userId, user.id));
  return { ...user, organisations };
}

export async function demoUsers() {
  return {
    healthVisitor: await demoUser("health.visitor@fort.example.org"),
    teacher: await demoUser("guidance.teacher@fort.example.org"),
    providerOne: await demoUser("provider.one@fort.example.org"),
    providerTwo: await demoUser("provider.two@fort.example.org"),
    coordinator: await demoUser("coordinator@fort.example.org"),
  };
}

/** A referrer in the same team as another (a colleague covering). */
export async function colleagueOf(user: CurrentUser, email: string): Promise<CurrentUser> {
  const db = await getDb();
  const [row] = await db.insert(s.users).values({ email, name: "Colleague In Team", role: "referrer", teamId: user.teamId }).returning({ id: s.users.id });
  return { id: row!.id, email, name: "Colleague In Team", role: "referrer", teamId: user.teamId, organisations: [] };
}

export async function serviceId(name: string): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .select({ id: s.services.id })
    .from(s.services)
    .where(and(eq(s.services.name, name)));
  if (!row) throw new Error(`no service ${name}`);
  return row.id;
}

export const SERVICE_A = "Growing Together Parenting Course"; // Tay Family Links
export const SERVICE_B = "Parents' Cuppa and Chat"; // Hilltown Parents' Network

export function validInput(serviceIds: string[], overrides: Partial<ReferralInput> = {}): ReferralInput {
  const year = new Date().getUTCFullYear();
  return {
    serviceIds,
    childName: "Casey Integration",
    childDateOfBirth: `${year - 6}-02-01`,
    childPostcode: "DD1 1AA",
    parentName: "Pat Integration",
    parentRelationship: "Father",
    parentPhone: "01632 960002",
    contactPreference: "phone",
    need_nurtured: true,
    need_nurtured_detail: "Dad would like support with routines.",
    familyWants: "A parenting group.",
    urgency: "routine",
    consentGivenBy: "Pat Integration (father)",
    consentDate: new Date().toISOString().slice(0, 10),
    consentMethod: "verbal",
    consentConfirmed: true,
    ...overrides,
  } as ReferralInput;
}
