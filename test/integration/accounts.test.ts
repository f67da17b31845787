import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as s from "../../db/schema";
import { setClock } from "~/clock.server";
import { getDb } from "~/db.server";
import { acceptInvitation, findInvitation, inviteUser } from "~/users/invitations.server";
import { requestPasswordReset, resetPassword } from "~/users/password-reset.server";
import { authenticate } from "~/users/sign-in.server";
import { changeRole, setUserActive } from "~/users/users.server";
import { DEMO, linkIn, outbox, signedIn, userFromCookie, userId } from "../helpers";

afterEach(() => setClock(null));

async function organisationId(name: string) {
  const db = await getDb();
  const [row] = await db.select({ id: s.organisations.id }).from(s.organisations).where(eq(s.organisations.name, name));
  return row!.id;
}

describe("invitations", () => {
  it("lets a coordinator invite a provider, who sets a password from the emailed link, once", async () => {
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const orgId = await organisationId("Tay Family Links");
    expect(await inviteUser(coordinator, { email: "New.Worker@Example.org", name: "Nell Worker", role: "provider", organisationId: orgId }, "1.1.1.1")).toEqual(
      { ok: true },
    );

    const [mail] = await outbox("new.worker@example.org");
    expect(mail!.subject).toBe("You have been invited to FORT");
    const token = linkIn(mail!.text, "/invitation");
    expect(await findInvitation(token)).toMatchObject({ email: "new.worker@example.org", role: "provider", organisationName: "Tay Family Links" });

    const newUserId = await acceptInvitation(token, "a long enough password", "1.1.1.1");
    expect(await authenticate("new.worker@example.org", "a long enough password", "1.1.1.1")).toMatchObject({ ok: true });
    const { user } = await signedIn("new.worker@example.org");
    expect(user.id).toBe(newUserId);
    expect(user.organisations).toEqual([{ id: orgId, name: "Tay Family Links", isAdmin: false }]);

    expect(await acceptInvitation(token, "another password!!", "1.1.1.1")).toBeNull();
    expect(await findInvitation(token)).toBeNull();
  });

  it("expires after seven days", async () => {
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const teams = await (await getDb()).select({ id: s.teams.id }).from(s.teams);
    await inviteUser(coordinator, { email: "late@example.org", name: "Lou Late", role: "referrer", teamId: teams[0]!.id }, "1.1.1.1");
    const token = linkIn((await outbox("late@example.org"))[0]!.text, "/invitation");
    setClock({ now: () => new Date(Date.now() + 8 * 86_400_000) });
    expect(await findInvitation(token)).toBeNull();
    expect(await acceptInvitation(token, "a long enough password", "1.1.1.1")).toBeNull();
  });

  it("refuses an email that already has an account, and a referrer without a team", async () => {
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    expect(await inviteUser(coordinator, { email: DEMO.teacher.toUpperCase(), name: "Dup", role: "coordinator" }, "1.1.1.1")).toMatchObject({
      ok: false,
      field: "email",
    });
    expect(await inviteUser(coordinator, { email: "t@example.org", name: "No Team", role: "referrer" }, "1.1.1.1")).toMatchObject({
      ok: false,
      field: "teamId",
    });
  });

  it("lets an organisation admin invite staff to their own organisation only", async () => {
    const { user: admin } = await signedIn(DEMO.providerOne);
    const own = admin.organisations[0]!.id;
    const other = await organisationId("Hilltown Parents' Network");
    expect(await inviteUser(admin, { email: "colleague@example.org", name: "Col League", role: "provider", organisationId: own }, "1.1.1.1")).toEqual({
      ok: true,
    });
    expect(await inviteUser(admin, { email: "spy@example.org", name: "S Py", role: "provider", organisationId: other }, "1.1.1.1")).toMatchObject({
      ok: false,
      field: "form",
    });
    expect(await inviteUser(admin, { email: "boss@example.org", name: "B Oss", role: "coordinator" }, "1.1.1.1")).toMatchObject({ ok: false, field: "form" });
    const { user: staff } = await signedIn(DEMO.providerTwo);
    expect(
      await inviteUser(staff, { email: "x@example.org", name: "X Y", role: "provider", organisationId: staff.organisations[0]!.id }, "1.1.1.1"),
    ).toMatchObject({ ok: false });
  });
});

describe("password reset", () => {
  it("emails a link only to real accounts, and answers the same either way", async () => {
    expect(await requestPasswordReset("nobody@example.org", "2.2.2.2")).toEqual({ ok: true });
    expect(await outbox("nobody@example.org")).toHaveLength(0);
    expect(await requestPasswordReset(DEMO.healthVisitor, "2.2.2.3")).toEqual({ ok: true });
    expect(await outbox(DEMO.healthVisitor)).toHaveLength(1);
  });

  it("sets the new password and signs the person out everywhere", async () => {
    const { cookie } = await signedIn(DEMO.teacher);
    await requestPasswordReset(DEMO.teacher, "2.2.2.4");
    const token = linkIn((await outbox(DEMO.teacher)).at(-1)!.text, "/reset-password");
    expect(await resetPassword(token, "a brand new password", "2.2.2.4")).toBe(await userId(DEMO.teacher));
    expect(await userFromCookie(cookie)).toBeNull();
    expect(await authenticate(DEMO.teacher, "demo-referrer-2", "2.2.2.4")).toMatchObject({ ok: false });
    expect(await authenticate(DEMO.teacher, "a brand new password", "2.2.2.4")).toMatchObject({ ok: true });
    expect(await resetPassword(token, "yet another password", "2.2.2.4")).toBeNull();
  });

  it("stops answering an address that asks again and again", async () => {
    for (let i = 0; i < 3; i++) expect(await requestPasswordReset(DEMO.coordinator, "2.2.2.5")).toEqual({ ok: true });
    expect(await requestPasswordReset(DEMO.coordinator, "2.2.2.5")).toMatchObject({ ok: false, message: expect.stringMatching(/^Too many attempts/) });
  });
});

describe("managing people", () => {
  it("ends a deactivated person's sessions at once, and lets them back in when reactivated", async () => {
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const { cookie, user } = await signedIn(DEMO.providerTwo);
    expect(await setUserActive(coordinator, user.id, false, "3.3.3.3")).toMatchObject({ ok: true });
    expect(await userFromCookie(cookie)).toBeNull();
    expect(await authenticate(DEMO.providerTwo, "demo-provider-2", "3.3.3.3")).toMatchObject({ ok: false });
    await setUserActive(coordinator, user.id, true, "3.3.3.3");
    expect(await authenticate(DEMO.providerTwo, "demo-provider-2", "3.3.3.3")).toMatchObject({ ok: true });
  });

  it("does not let a coordinator lock themselves out", async () => {
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    await expect(setUserActive(coordinator, coordinator.id, false, "3.3.3.3")).rejects.toMatchObject({
      status: 400,
      message: "You cannot deactivate your own account.",
    });
    await expect(changeRole(coordinator, coordinator.id, "referrer", "3.3.3.3")).rejects.toMatchObject({
      status: 400,
      message: "You cannot change your own role.",
    });
  });

  it("records role changes in the audit log", async () => {
    const { user: coordinator } = await signedIn(DEMO.coordinator);
    const target = await userId(DEMO.healthVisitor);
    await changeRole(coordinator, target, "coordinator", "3.3.3.3");
    const db = await getDb();
    const rows = await db.select({ action: s.auditLog.action, details: s.auditLog.details }).from(s.auditLog).where(eq(s.auditLog.subjectId, target));
    expect(rows).toContainEqual({ action: "role_changed", details: { from: "referrer", to: "coordinator" } });
  });
});
