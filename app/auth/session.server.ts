// The only module that knows sessions are implemented with lucia v3 (see docs/decisions/0003).
// Routes call these functions; swapping lucia out is a change to this file alone.
import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { redirect } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";
import * as s from "../../db/schema";
import { config } from "../config.server";
import { getDb } from "../db.server";

export const SESSION_HOURS = 3;

export type Role = "coordinator" | "referrer" | "provider";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  /** Organisations the user works for (providers), with whether they administer each. */
  organisations: { id: string; name: string; isAdmin: boolean }[];
}

function secureCookies() {
  const c = config();
  const url = new URL(c.APP_URL);
  return url.protocol === "https:" || (c.NODE_ENV === "production" && url.hostname !== "localhost" && url.hostname !== "127.0.0.1");
}

async function createLucia() {
  const db = await getDb();
  return new Lucia(new DrizzlePostgreSQLAdapter(db, s.sessions, s.users), {
    sessionExpiresIn: new TimeSpan(SESSION_HOURS, "h"),
    sessionCookie: {
      name: "fort_session",
      // A session cookie (no Expires) so closing the browser ends it too; the server enforces 3 hours.
      expires: false,
      attributes: { secure: secureCookies(), sameSite: "lax", path: "/" },
    },
    getUserAttributes: (row) => ({ active: row.active }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: Awaited<ReturnType<typeof createLucia>>;
    UserId: string;
    DatabaseUserAttributes: { active: boolean };
  }
}

const globalForLucia = globalThis as unknown as { __fortLucia?: ReturnType<typeof createLucia> };
function lucia() {
  globalForLucia.__fortLucia ??= createLucia();
  return globalForLucia.__fortLucia;
}

/** Starts a session for a user; returns the Set-Cookie header value. */
export async function startSession(userId: string): Promise<string> {
  const l = await lucia();
  const session = await l.createSession(userId, {});
  return l.createSessionCookie(session.id).serialize();
}

async function loadUser(userId: string): Promise<CurrentUser | null> {
  const db = await getDb();
  const [user] = await db
    .select({ id: s.users.id, email: s.users.email, name: s.users.name, role: s.users.role, teamId: s.users.teamId })
    .from(s.users)
    .where(and(eq(s.users.id, userId), eq(s.users.active, true)));
  if (!user) return null;
  const organisations = await db
    .select({ id: s.organisations.id, name: s.organisations.name, isAdmin: s.memberships.isAdmin })
    .from(s.memberships)
    .innerJoin(s.organisations, eq(s.organisations.id, s.memberships.organisationId))
    .where(eq(s.memberships.userId, userId));
  return { ...user, organisations };
}

/**
 * Validates the request's session once. Returns the user (or null) and, when lucia extended or
 * cleared the session, the Set-Cookie header to send back.
 */
export async function readSession(request: Request): Promise<{ user: CurrentUser | null; setCookie: string | null }> {
  const cache = sessionCache.get(request);
  if (cache) return cache;
  const result = (async () => {
    const l = await lucia();
    const sessionId = l.readSessionCookie(request.headers.get("Cookie") ?? "");
    if (!sessionId) return { user: null, setCookie: null };
    const { session, user } = await l.validateSession(sessionId);
    if (!session || !user) return { user: null, setCookie: l.createBlankSessionCookie().serialize() };
    if (!user.active) {
      await l.invalidateUserSessions(user.id);
      return { user: null, setCookie: l.createBlankSessionCookie().serialize() };
    }
    const current = await loadUser(user.id);
    return { user: current, setCookie: session.fresh ? l.createSessionCookie(session.id).serialize() : null };
  })();
  sessionCache.set(request, result);
  return result;
}
const sessionCache = new WeakMap<Request, Promise<{ user: CurrentUser | null; setCookie: string | null }>>();

export async function getUser(request: Request) {
  return (await readSession(request)).user;
}

/** The signed-in user, or a redirect to sign in that comes back here afterwards. */
export async function requireUser(request: Request): Promise<CurrentUser> {
  const user = await getUser(request);
  if (!user) {
    const url = new URL(request.url);
    throw redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return user;
}

/** Ends this session; returns the Set-Cookie header that clears the cookie. */
export async function endSession(request: Request): Promise<string> {
  const l = await lucia();
  const sessionId = l.readSessionCookie(request.headers.get("Cookie") ?? "");
  if (sessionId) await l.invalidateSession(sessionId);
  return l.createBlankSessionCookie().serialize();
}

/** Ends every session of a user, everywhere (sign out everywhere, deactivation, password reset). */
export async function endAllSessions(userId: string) {
  const l = await lucia();
  await l.invalidateUserSessions(userId);
}

export async function blankSessionCookie() {
  return (await lucia()).createBlankSessionCookie().serialize();
}
