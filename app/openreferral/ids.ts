// Stable identifiers for things FORT publishes that have no row of their own (taxonomies, the link
// between a service and a term, an address inside a location…). Name-based UUIDs (RFC 4122 v5) give the
// same id on every request and in every FORT deployment, so ETags stay stable and a re-import matches.
import { createHash } from "node:crypto";

/** FORT's namespace for name-based ids. */
const FORT_NAMESPACE = "5b0f6c2e-4e0c-4b7e-9a52-0f0c3d1f7a11";

function bytesOf(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ""), "hex");
}

export function uuidV5(name: string, namespace = FORT_NAMESPACE): string {
  const hash = createHash("sha1").update(bytesOf(namespace)).update(name, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// Taxonomies and their terms are few and asked for once per attribute of every imported service: remembered, as a
// SHA-1 per lookup was a sixth of an import's time.
const knownIds = new Map<string, string>();
function rememberedUuidV5(name: string) {
  let id = knownIds.get(name);
  if (id === undefined) {
    id = uuidV5(name);
    if (knownIds.size < 10_000) knownIds.set(name, id);
  }
  return id;
}

/** The id of one of FORT's taxonomies ("shanarri" or "category"). */
export const taxonomyId = (taxonomy: string) => rememberedUuidV5(`taxonomy:${taxonomy}`);
/** The published id of a taxonomy term: the same in every deployment. */
export const taxonomyTermId = (taxonomy: string, code: string) => rememberedUuidV5(`taxonomy-term:${taxonomy}:${code}`);
/** Ids of nested records derived from their parent's id. */
export const childId = (parentId: string, kind: string, key: string | number = "") => uuidV5(`${kind}:${parentId}:${key}`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
