import { afterEach, describe, expect, it } from "vitest";
import { setClock } from "~/clock.server";
import { SIGN_IN_FAILED, authenticate } from "~/users/sign-in.server";
import { DEMO } from "../helpers";

let now = new Date("2026-11-22T10:00:00Z").getTime();
const advance = (ms: number) => (now += ms);

afterEach(() => setClock(null));

describe("signing in", () => {
  it("signs in with the right password and says the same thing for a wrong password or an unknown email", async () => {
    expect(await authenticate(DEMO.teacher, "demo-referrer-2", "10.0.0.1")).toMatchObject({ ok: true });
    expect(await authenticate(DEMO.teacher, "wrong", "10.0.0.1")).toEqual({ ok: false, message: SIGN_IN_FAILED });
    expect(await authenticate("nobody@example.org", "wrong", "10.0.0.2")).toEqual({ ok: false, message: SIGN_IN_FAILED });
  });

  it("treats the email case-insensitively", async () => {
    expect(await authenticate(DEMO.healthVisitor.toUpperCase(), "demo-referrer-1", "10.0.0.3")).toMatchObject({ ok: true });
  });

  it("slows down repeated failures, then refuses them until the window has passed, even with the right password", async () => {
    setClock({ now: () => new Date(now) });
    const email = DEMO.providerTwo;
    const ip = "10.9.9.9";
    for (let i = 0; i < 3; i++) expect(await authenticate(email, `guess-${i}`, ip)).toEqual({ ok: false, message: SIGN_IN_FAILED });

    // Fourth attempt straight away: slowed.
    const slowed = await authenticate(email, "guess-3", ip);
    expect(slowed).toMatchObject({ ok: false, message: "Too many attempts. Try again in 5 seconds.", retryAfterSeconds: 5 });

    // Waiting as told lets one more try through; each further failure doubles the wait.
    advance(5_000);
    expect(await authenticate(email, "guess-4", ip)).toEqual({ ok: false, message: SIGN_IN_FAILED });
    expect(await authenticate(email, "guess-5", ip)).toMatchObject({ retryAfterSeconds: 10 });
    advance(10_000);
    expect(await authenticate(email, "guess-6", ip)).toEqual({ ok: false, message: SIGN_IN_FAILED });
    // Keep failing, waiting each time as long as told: the tenth failure within 15 minutes locks the account.
    let failures = 5;
    let waited = 0;
    while (failures < 10) {
      const result = await authenticate(email, "still-guessing", ip);
      if (result.ok) throw new Error("a wrong password signed in");
      if (result.retryAfterSeconds === undefined) failures++;
      else {
        waited += result.retryAfterSeconds;
        advance(result.retryAfterSeconds * 1000);
      }
    }
    // The waits doubled: 20 + 40 + 80 + 160 + 320 seconds before failures 6 to 10.
    expect(waited).toBe(620);
    expect(failures).toBe(10);
    const refused = await authenticate(email, "demo-provider-2", ip);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/^Too many attempts\. Try again in \d+ minutes?\.$/) });

    advance(16 * 60_000);
    expect(await authenticate(email, "demo-provider-2", ip)).toMatchObject({ ok: true });
  });

  it("limits one address trying many accounts", async () => {
    setClock({ now: () => new Date(now) });
    const ip = "10.7.7.7";
    let last;
    for (let i = 0; i < 25; i++) {
      advance(1_000);
      last = await authenticate(`someone-${i}@example.org`, "x", ip);
    }
    expect(last).toMatchObject({ ok: false, message: expect.stringMatching(/^Too many attempts/) });
  });
});
