import { eq, sql } from "drizzle-orm";
import * as s from "../db/schema";
import { readSession, startSession, type CurrentUser } from "~/auth/session.server";
import { getDb } from "~/db.server";

export const DEMO = {
  coordinator: "coordinator@fort.example.org",
  healthVisitor: "health.visitor@fort.example.org",
  teacher: "guidance.teacher@fort.example.org",
  providerOne: "provider.one@fort.example.org",
  providerTwo: "provider.two@fort.example.org",
} as const;

export async function userId(email: string) {
  const db = await getDb();
  const [row] = await db
    .select({ id: s.users.id })
    .from(s.users)
    .where(eq(sql`lower(${s.users.email})`, email.toLowerCase()));
  if (!row) throw new Error(`no user ${email}`);
  return row.id;
}

/** Signs a user in and returns their session cookie and the user as the app sees them. */
export async function signedIn(email: string): Promise<{ cookie: string; user: CurrentUser }> {
  const setCookie = await startSession(await userId(email));
  const cookie = setCookie.split(";")[0]!;
  const { user } = await readSession(new Request("http://localhost/", { headers: { Cookie: cookie } }));
  if (!user) throw new Error(`could not sign in ${email}`);
  return { cookie, user };
}

export async function userFromCookie(cookie: string) {
  return (await readSession(new Request("http://localhost/", { headers: { Cookie: cookie } }))).user;
}

export async function outbox(to?: string) {
  const db = await getDb();
  const rows = await db
    .select({ to: s.mailOutbox.to, subject: s.mailOutbox.subject, text: s.mailOutbox.text })
    .from(s.mailOutbox)
    .orderBy(s.mailOutbox.createdAt);
  return to ? rows.filter((r) => r.to === to) : rows;
}

export function linkIn(text: string, path: string) {
  const match = text.match(new RegExp(`https?://[^\\s]+${path}/([A-Za-z0-9_-]+)`));
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return match[1]!;
}
