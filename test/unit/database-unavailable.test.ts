// Which errors mean "the database is away" (a 503 page that says nothing was sent) and which are bugs or bad input.
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "~/db.server";
import { databaseOutageResponse, hadDatabaseOutage, noteDatabaseOutage } from "~/http/outage.server";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });
// drizzle wraps the driver's error in `cause`.
const wrapped = (cause: unknown) => Object.assign(new Error("Failed query: insert into referrals … params: …"), { cause });

describe("a database outage", () => {
  it.each([
    ["postgres.js: connection closed", withCode("CONNECTION_CLOSED")],
    ["postgres.js: connect timeout", withCode("CONNECT_TIMEOUT")],
    ["socket: refused", withCode("ECONNREFUSED")],
    ["socket: reset", withCode("ECONNRESET")],
    ["PostgreSQL: shutting down (57P01)", withCode("57P01")],
    ["PostgreSQL: starting up (57P03)", withCode("57P03")],
    ["PostgreSQL: connection failure (08006)", withCode("08006")],
    ["PostgreSQL: disk full (53100)", withCode("53100")],
    ["PGlite: no space left", new Error("could not write to file: No space left on device")],
    ["wrapped by drizzle", wrapped(withCode("CONNECTION_CLOSED"))],
  ])("is recognised: %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", wrapped(withCode("23505"))],
    ["a malformed uuid", wrapped(withCode("22P02"))],
    ["a foreign-key violation", wrapped(withCode("23503"))],
    ["a bug", new TypeError("Cannot read properties of undefined")],
    ["a thrown response", new Response(null, { status: 404 })],
    ["nothing", undefined],
  ])("is not: %s", (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("marks the request, which then gets a 503 page saying nothing was sent", async () => {
    const request = new Request("http://localhost/referrals/new", { method: "POST" });
    expect(noteDatabaseOutage(request, new TypeError("bug"))).toBe(false);
    expect(hadDatabaseOutage(request)).toBe(false);
    expect(noteDatabaseOutage(request, wrapped(withCode("ECONNREFUSED")))).toBe(true);
    expect(hadDatabaseOutage(request)).toBe(true);
    const page = databaseOutageResponse(request);
    expect(page.status).toBe(503);
    expect(page.headers.get("Retry-After")).toBe("10");
    const html = await page.text();
    expect(html).toContain("FORT cannot reach its database");
    expect(html).toContain("nothing was sent");
  });

  it("answers a program that asked for JSON in JSON", async () => {
    const page = databaseOutageResponse(new Request("http://localhost/api/map", { headers: { Accept: "application/json" } }));
    expect(page.status).toBe(503);
    expect((await page.json()).message).toContain("cannot reach its database");
  });
});
