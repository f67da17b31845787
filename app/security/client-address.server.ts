// Who is the client? (issue 12) The per-address sign-in limits, the audit log and /dev/mail depend on it.
// The address comes from the TCP socket. Only when TRUST_PROXY says proxies stand in front of FORT is
// X-Forwarded-For read, and then from the right: each trusted proxy appends the address it saw, so the
// right-most entry that is not one of our proxies is the client (anything further left is the client's say-so).
import { BlockList, isIP } from "node:net";
import type { TrustProxy } from "../config.server";
import { config, parseTrustProxy } from "../config.server";

/**
 * The header through which the server hands the socket address to the app. The server sets it on every
 * request, overwriting whatever the client sent, so it cannot be forged. A server that builds its own Remix
 * load context can instead pass `{ clientAddress }` (see clientIp).
 */
export const SOCKET_ADDRESS_HEADER = "x-fort-socket-address";

/** "::ffff:10.0.0.1" → "10.0.0.1", so one client has one spelling. */
export function normaliseAddress(address: string): string {
  const trimmed = address.trim().replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return (mapped ? mapped[1]! : trimmed).toLowerCase();
}

export function isLoopbackAddress(address: string | null | undefined): boolean {
  if (!address) return false;
  const a = normaliseAddress(address);
  return (isIP(a) === 4 && a.startsWith("127.")) || a === "::1";
}

/** The client's address from the socket address, the X-Forwarded-For header and the proxies FORT trusts. */
export function clientAddressFrom(socketAddress: string | null | undefined, forwardedFor: string | null | undefined, trust: TrustProxy): string | null {
  const socket = socketAddress ? normaliseAddress(socketAddress) : null;
  if (!socket || trust.kind === "none") return socket;
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((entry) => normaliseAddress(entry))
      .filter(Boolean),
    socket,
  ];
  if (trust.kind === "hops") {
    // The socket is the nearest proxy; `hops` proxies each added one entry. Fewer entries than that: the left-most we have.
    return validOr(chain[Math.max(0, chain.length - 1 - trust.hops)], socket);
  }
  const trusted = blockList(trust);
  for (let i = chain.length - 1; i >= 0; i--) {
    const address = chain[i]!;
    const family = isIP(address);
    if (family === 0) return i === chain.length - 1 ? socket : chain[i + 1]!;
    if (!trusted.check(address, family === 4 ? "ipv4" : "ipv6")) return address;
  }
  // Every hop is one of our proxies: the left-most is the best we know.
  return chain[0]!;
}

function validOr(candidate: string | undefined, fallback: string) {
  return candidate && isIP(candidate) ? candidate : fallback;
}

const blockLists = new WeakMap<object, BlockList>();
function blockList(trust: Extract<TrustProxy, { kind: "addresses" }>): BlockList {
  let list = blockLists.get(trust);
  if (!list) {
    list = new BlockList();
    for (const r of trust.ranges) list.addSubnet(r.address, r.prefix, r.family);
    blockLists.set(trust, list);
  }
  return list;
}

let trustCache: { raw: string; parsed: TrustProxy } | undefined;
function trustProxy(): TrustProxy {
  const raw = config().TRUST_PROXY;
  if (trustCache?.raw !== raw) trustCache = { raw, parsed: parseTrustProxy(raw) ?? { kind: "none" } };
  return trustCache.parsed;
}

/** The socket address of the request as the server handed it over, or null when it did not. */
export function socketAddress(request: Request, context?: unknown): string | null {
  const fromContext = (context as { clientAddress?: unknown } | undefined)?.clientAddress;
  if (typeof fromContext === "string" && fromContext) return fromContext;
  return request.headers.get(SOCKET_ADDRESS_HEADER);
}

/** The client's address for limits and the audit log ("unknown" only when no server supplied a socket address). */
export function clientIp(request: Request, context?: unknown): string {
  return clientAddressFrom(socketAddress(request, context), request.headers.get("X-Forwarded-For"), trustProxy()) ?? "unknown";
}

/** Whether the client is on this machine, judged by the same rules. */
export function isLoopbackClient(request: Request, context?: unknown): boolean {
  return isLoopbackAddress(clientAddressFrom(socketAddress(request, context), request.headers.get("X-Forwarded-For"), trustProxy()));
}
