// The only module that knows sessions are implemented with lucia v3 (see docs/decisions/0003).
// Routes call these functions; swapping lucia out is a change to this file alone.
import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { redirect } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";
import * as s from "../../db/schema";
import { config } from "../config.server";
import { getDb } from "../db.server";

import { clock } from "../clock.server";

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
    // Idle lifetime (issue 12): a session is extended while in use, and ends SESSION_IDLE_HOURS after the last
    // extension; the cookie's Max-Age says the same. The absolute lifetime is checked in readSession.
    sessionExpiresIn: new TimeSpan(config().SESSION_IDLE_HOURS, "h"),
    sessionCookie: {
      name: "fort_session",
      expires: true,
      attributes: { secure: secureCookies(), sameSite: "lax", path: "/" },
    },
    getUserAttributes: (row) => ({ active: row.active }),
    getSessionAttributes: (row) => ({ createdAt: row.createdAt }),
  });
}

/** Whether a session started so long ago that it must end, however active (SESSION_ABSOLUTE_DAYS). */
function pastAbsoluteLifetime(createdAt: Date | string | undefined): boolean {
  if (!createdAt) return false;
  return clock.now().getTime() - new Date(createdAt).getTime() > config().SESSION_ABSOLUTE_DAYS * 86_400_000;
}

declare module "lucia" {
  interface Register {
    Lucia: Awaited<ReturnType<typeof createLucia>>;
    UserId: string;
    DatabaseUserAttributes: { active: boolean };
    DatabaseSessionAttributes: { createdAt: Date };
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
  const session = await l.createSession(userId, { createdAt: clock.now() });
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
    if (pastAbsoluteLifetime(session.createdAt)) {
      await l.invalidateSession(session.id);
      return { user: null, setCookie: l.createBlankSessionCookie().serialize() };
    }
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

/**
 * Whether the session this request was made with is still valid now (not signed out, not expired, the person not
 * deactivated), checked afresh without extending it. For long-lived responses (the live stream, issue 12).
 */
export async function sessionStillValid(request: Request): Promise<boolean> {
  const l = await lucia();
  const sessionId = l.readSessionCookie(request.headers.get("Cookie") ?? "");
  if (!sessionId) return false;
  const db = await getDb();
  const [row] = await db
    .select({ expiresAt: s.sessions.expiresAt, createdAt: s.sessions.createdAt, active: s.users.active })
    .from(s.sessions)
    .innerJoin(s.users, eq(s.users.id, s.sessions.userId))
    .where(eq(s.sessions.id, sessionId));
  return Boolean(row && row.active && row.expiresAt.getTime() > Date.now() && !pastAbsoluteLifetime(row.createdAt));
}

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
