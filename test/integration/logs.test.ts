// The log never holds personal data: a referral and a password reset go through the app's domain functions
// (mail delivered to the log, as on a server without SMTP), and the captured log is searched for the child's
// and family's names, the emails and the reset token. Every line written for a request carries its id.
import { describe, expect, it } from "vitest";
import { captureLog, log, scrub, withRequestId } from "~/log.server";
import { deliverPendingMail } from "~/mail/mail.server";
import { sendReferral } from "~/referrals/commands.server";
import { requestPasswordReset } from "~/users/password-reset.server";
import { DEMO, linkIn, outbox } from "../helpers";
import { SERVICE_A, demoUsers, serviceId, validInput } from "./referrals-helpers";

const CHILD = "Zebedee Logscan";
const PARENT = "Marigold Logscan";
const PARENT_EMAIL = "marigold.logscan@family.example.net";

describe("logs", () => {
  it("hold no names, emails or reset tokens from a referral and a password reset, and tag each line with its request", async () => {
    const u = await demoUsers();
    const service = await serviceId(SERVICE_A);

    const { lines, raw } = await captureLog(async () => {
      await withRequestId("req-referral-0001", async () => {
        log.info("referral form received");
        await sendReferral(
          u.healthVisitor,
          validInput([service], { childName: CHILD, parentName: PARENT, parentEmail: PARENT_EMAIL, contactPreference: "email" }),
        );
        await deliverPendingMail();
        // What careless code might write: each must come out masked.
        log.info(
          { user: { name: PARENT, email: PARENT_EMAIL }, headers: { cookie: "auth_session=abc", authorization: "Bearer xyz" } },
          `referral for ${PARENT_EMAIL} queued`,
        );
        log.error({ err: new Error(`could not reach ${PARENT_EMAIL}`) }, "delivery failed");
      });
      await withRequestId("req-reset-0002", async () => {
        await requestPasswordReset(DEMO.providerOne, "192.0.2.10");
        await deliverPendingMail();
      });
    }, "trace");

    const [resetMail] = await outbox(DEMO.providerOne);
    const token = linkIn(resetMail!.text, "/reset-password");
    const sessionCookie = "auth_session=abc";

    expect(lines.length).toBeGreaterThan(4);
    for (const secret of [CHILD, PARENT, PARENT_EMAIL, DEMO.providerOne, DEMO.healthVisitor, token, sessionCookie, "Bearer xyz", "Casey", "Integration"]) {
      expect(raw, `the log holds ${secret}`).not.toContain(secret);
    }
    expect(
      lines.filter((l) => l.msg === "mail not sent (no SMTP_URL: read it at /dev/mail)" || String(l.msg).startsWith("mail not sent")).length,
    ).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.requestId, JSON.stringify(line)).toMatch(/^req-(referral-0001|reset-0002)$/);
  });

  it("masks emails, link tokens and link keys in any text", () => {
    const token = "q3V9bYc2Lr0W1sTz8kPm4NaXe7Hf6Ju5Dg0Ci2Bv1Aw";
    const text = `to ann.o'neil+x@mail.example.co.uk: http://fort.test/reset-password/${token} and /track/FORT-123?key=s3cret&new=1 and /invitation/abc`;
    const out = scrub(text);
    expect(out).not.toContain("mail.example.co.uk");
    expect(out).not.toContain(token);
    expect(out).not.toContain("s3cret");
    expect(out).toContain("/reset-password/[token]");
    expect(out).toContain("/invitation/[token]");
    // Ids stay: they are what an operator follows.
    expect(scrub("referral 7d4a3c4e-9b1f-4a57-8c2e-1f0e9d8c7b6a")).toContain("7d4a3c4e-9b1f-4a57-8c2e-1f0e9d8c7b6a");
  });
});
