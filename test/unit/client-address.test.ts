import { describe, expect, it } from "vitest";
import { parseTrustProxy } from "~/config.server";
import { clientAddressFrom, isLoopbackAddress } from "~/security/client-address.server";

const trust = (raw: string) => parseTrustProxy(raw)!;

describe("the client's address (issue 12)", () => {
  it("is the socket's when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddressFrom("203.0.113.7", "1.2.3.4", trust("false"))).toBe("203.0.113.7");
    expect(clientAddressFrom("::ffff:203.0.113.7", null, trust("false"))).toBe("203.0.113.7");
  });

  it("with one trusted hop, is the right-most X-Forwarded-For entry (the one our proxy added)", () => {
    expect(clientAddressFrom("10.0.0.2", "6.6.6.6, 198.51.100.9", trust("1"))).toBe("198.51.100.9");
    expect(clientAddressFrom("10.0.0.2", "198.51.100.9", trust("2"))).toBe("198.51.100.9");
    expect(clientAddressFrom("10.0.0.2", "not-an-address", trust("1"))).toBe("10.0.0.2");
  });

  it("with trusted ranges, is the right-most address outside them", () => {
    const proxies = trust("10.0.0.0/8, ::1");
    expect(clientAddressFrom("10.0.0.2", "6.6.6.6, 198.51.100.9, 10.1.2.3", proxies)).toBe("198.51.100.9");
    // A client that is not one of our proxies cannot speak for anyone else.
    expect(clientAddressFrom("198.51.100.9", "127.0.0.1", proxies)).toBe("198.51.100.9");
    expect(clientAddressFrom("::1", "2001:db8::5", proxies)).toBe("2001:db8::5");
  });

  it("reads TRUST_PROXY as false, hops, or addresses", () => {
    expect(parseTrustProxy("false")).toEqual({ kind: "none" });
    expect(parseTrustProxy("2")).toEqual({ kind: "hops", hops: 2 });
    expect(parseTrustProxy("loopback")?.kind).toBe("addresses");
    for (const bad of ["yes", "10.0.0.0/40", "11", "example.org"]) expect(parseTrustProxy(bad)).toBeNull();
  });

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "::ffff:127.0.0.2", "::1"].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect(["192.0.2.2", "fd00::2", "", null].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });
});
