// Issue 12, at the domain level on both engines (the HTTP-level tests are in e2e/security.spec.ts).
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { endSession, sessionStillValid } from "~/auth/session.server";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import { SIGN_IN_PER_ACCOUNT, takeAttempt } from "~/security/rate-limit.server";
import { SIGN_IN_FAILED, authenticate } from "~/users/sign-in.server";
import { inviteUser } from "~/users/invitations.server";
import { DEMO, outbox, signedIn, userFromCookie } from "../helpers";

afterEach(() => setClock(null));

describe("sign-in limits hold under parallel guesses", () => {
  it("100 simultaneous wrong passwords for one account: no more than the limit are checked", async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => authenticate("parallel@example.org", `guess-${i}`, `10.20.${Math.floor(i / 50)}.${i % 50}`)),
    );
    const checked = results.filter((r) => !r.ok && r.message === SIGN_IN_FAILED).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SIGN_IN_PER_ACCOUNT.limit);
    expect(results.filter((r) => r.ok)).toEqual([]);
  });

  it("counts a taken attempt once, atomically with the check", async () => {
    const rule = { limit: 5, windowMs: 60_000, slowAfter: 5, baseDelayMs: 1_000 };
    const decisions = await Promise.all(Array.from({ length: 40 }, () => takeAttempt([["atomic:test", rule]])));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
  });
});

describe("sessions", () => {
  it("a stream's re-check sees sign-out and deactivation", async () => {
    const { cookie } = await signedIn(DEMO.teacher);
    const request = new Request("http://localhost/referrals/events", { headers: { Cookie: cookie } });
    expect(await sessionStillValid(request)).toBe(true);
    await endSession(request);
    expect(await sessionStillValid(request)).toBe(false);

    const other = await signedIn(DEMO.healthVisitor);
    const db = await getDb();
    const otherRequest = new Request("http://localhost/referrals/events", { headers: { Cookie: other.cookie } });
    await db.update(s.users).set({ active: false }).where(eq(s.users.id, other.user.id));
    expect(await sessionStillValid(otherRequest)).toBe(false);
    await db.update(s.users).set({ active: true }).where(eq(s.users.id, other.user.id));
  });

  it("ends after the absolute lifetime however active the person is", async () => {
    const { cookie } = await signedIn(DEMO.coordinator);
    expect(await userFromCookie(cookie)).not.toBeNull();
    setClock({ now: () => new Date(Date.now() + 31 * 86_400_000) });
    expect(await userFromCookie(cookie)).toBeNull();
  });
});

describe("staff invitations", () => {
  it("answer an organisation admin the same whether or not the email has an account", async () => {
    const { user: admin } = await signedIn(DEMO.providerOne);
    const own = admin.organisations.find((o) => o.isAdmin)!.id;
    const fresh = await inviteUser(admin, { email: "brand.new@example.org", name: "Bran New", role: "provider", organisationId: own }, "10.0.0.9");
    const existing = await inviteUser(admin, { email: DEMO.teacher, name: "Some One", role: "provider", organisationId: own }, "10.0.0.9");
    expect(existing).toEqual(fresh);
    expect(fresh).toEqual({ ok: true });
    // The existing account holder is told; no invitation link is made for them.
    const [mail] = await outbox(DEMO.teacher);
    expect(mail!.subject).toBe("Someone tried to invite you to FORT");
    expect(mail!.text).not.toMatch(/\/invitation\//);
  });
});

describe("the migration that neutralises unsafe links", () => {
  it("empties javascript: and other non-web links, keeps web addresses, and refuses new bad ones", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const { sql } = await import("drizzle-orm");
    const file = readdirSync("db/migrations").find((f) => f.endsWith("_neutralise_unsafe_links.sql"))!;
    const statements = readFileSync(`db/migrations/${file}`, "utf8")
      .split("--> statement-breakpoint")
      .map((st) => st.trim())
      .filter(Boolean);
    const db = await getDb();
    // Back to the state before the migration, with rows that got in then.
    await db.execute(sql`alter table organisations drop constraint organisations_website_is_web_url`);
    await db.execute(sql`alter table services drop constraint services_url_is_web_url`);
    const [bad] = await db
      .insert(s.organisations)
      .values({ name: "Planted Org", website: "javascript:alert(1)", status: "approved" })
      .returning({ id: s.organisations.id });
    const [good] = await db
      .insert(s.organisations)
      .values({ name: "Honest Org", website: "https://honest.example.org/about", status: "approved" })
      .returning({ id: s.organisations.id });
    const [service] = await db
      .insert(s.services)
      .values({ organisationId: good!.id, name: "Planted Service", url: " data:text/html,<script>alert(1)</script>" })
      .returning({ id: s.services.id });

    for (const statement of statements) await db.execute(sql.raw(statement));

    const website = async (id: string) => (await db.select({ w: s.organisations.website }).from(s.organisations).where(eq(s.organisations.id, id)))[0]!.w;
    expect(await website(bad!.id)).toBeNull();
    expect(await website(good!.id)).toBe("https://honest.example.org/about");
    expect((await db.select({ u: s.services.url }).from(s.services).where(eq(s.services.id, service!.id)))[0]!.u).toBeNull();
    await expect(db.update(s.organisations).set({ website: "javascript:alert(2)" }).where(eq(s.organisations.id, good!.id))).rejects.toThrow();
  });
});
