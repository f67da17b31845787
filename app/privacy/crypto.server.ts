// Field-level encryption of a child's and family's personal details (issue 18). Each value is sealed on its own
// with AES-256-GCM under the key in DATA_ENCRYPTION_KEY: "enc1:<key id>:<base64 of iv | tag | ciphertext>". The key id
// (first 8 hex digits of the key's SHA-256) lets old values be read after the key changes, while the re-encryption
// job (app/privacy/encryption.server.ts) moves them to the new one. Equality look-ups (a child's name and date of
// birth) go through a keyed HMAC, the "blind index", never the plain value.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { config } from "../config.server";
import { log } from "../log.server";

const PREFIX = "enc1:";
export const DEV_KEY_FILE = path.resolve("data", "dev-encryption.key");

interface DataKey {
  id: string;
  key: Buffer;
}

export class DecryptionError extends Error {}

function dataKey(base64: string): DataKey {
  const key = Buffer.from(base64.trim(), "base64");
  if (key.length !== 32) throw new Error("an encryption key must be 32 bytes, base64-encoded");
  return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
}

/** A fresh key for DATA_ENCRYPTION_KEY (`npm run job -- new-encryption-key` prints one). */
export function newDataKey() {
  return randomBytes(32).toString("base64");
}

// A local install without a key gets one generated once and kept beside its PGlite data: lose the file, lose the data.
function readDevKey(): string {
  // Another server starting at the same moment may have created the file and not yet written it: wait up to a second.
  for (let i = 0; i < 20; i++) {
    const key = readFileSync(DEV_KEY_FILE, "utf8").trim();
    if (key.length >= 44) return key;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return readFileSync(DEV_KEY_FILE, "utf8").trim();
}

function devKey(): string {
  if (existsSync(DEV_KEY_FILE)) return readDevKey();
  const key = newDataKey();
  mkdirSync(path.dirname(DEV_KEY_FILE), { recursive: true });
  try {
    writeFileSync(DEV_KEY_FILE, `${key}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readDevKey();
    throw error;
  }
  log.warn(
    { file: DEV_KEY_FILE },
    "DATA_ENCRYPTION_KEY is not set: generated a development key for this local install. Personal data is encrypted with it; back it up with the database, and set DATA_ENCRYPTION_KEY in production",
  );
  return key;
}

let ring: { current: DataKey; byId: Map<string, DataKey>; index: Buffer } | undefined;
let ringSource: string | undefined;

function keyRing() {
  const settings = config();
  const source = `${settings.DATA_ENCRYPTION_KEY ?? ""}|${settings.DATA_ENCRYPTION_PREVIOUS_KEYS ?? ""}`;
  if (ring && ringSource === source) return ring;
  const current = dataKey(settings.DATA_ENCRYPTION_KEY ?? devKey());
  const previous = (settings.DATA_ENCRYPTION_PREVIOUS_KEYS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .map(dataKey);
  // The blind-index key is derived from the current key, so the re-encryption job recomputes the index too.
  const index = Buffer.from(hkdfSync("sha256", current.key, Buffer.alloc(0), "fort blind index v1", 32));
  ring = { current, byId: new Map([...previous, current].map((k) => [k.id, k])), index };
  ringSource = source;
  return ring;
}

/** The id of the key new values are sealed with. */
export function currentKeyId() {
  return keyRing().current.id;
}

export function isSealed(value: string | null | undefined): boolean {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** Whether a value is sealed under the current key (nothing for the re-encryption job to do). */
export function isSealedWithCurrentKey(value: string | null | undefined): boolean {
  return typeof value === "string" && value.startsWith(`${PREFIX}${currentKeyId()}:`);
}

export function seal(value: string): string;
export function seal(value: string | null | undefined): string | null;
export function seal(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (isSealedWithCurrentKey(value)) return value;
  const plain = isSealed(value) ? open(value) : value;
  const { current } = keyRing();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${current.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

/** The plain value. A value not sealed (written before encryption, or anonymised) is returned as it is. */
export function open(value: string): string;
export function open(value: string | null | undefined): string | null;
export function open(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isSealed(value)) return value;
  const [, id, payload] = value.split(":");
  const key = keyRing().byId.get(id ?? "");
  if (!key || !payload) throw new DecryptionError(`no key ${id} to read a personal field: set DATA_ENCRYPTION_PREVIOUS_KEYS`);
  const raw = Buffer.from(payload, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key.key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError("a personal field failed its integrity check");
  }
}

/** Seals the named fields of a row (those present); other fields are left as they are. */
export function sealFields<T extends Record<string, unknown>>(row: T, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const f of fields) if (typeof out[f] === "string") out[f] = seal(out[f] as string);
  return out as T;
}

/** Opens the named fields of a row (those present). */
export function openFields<T extends object>(row: T, fields: readonly string[]): T {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const f of fields) if (typeof out[f] === "string") out[f] = open(out[f] as string);
  return out as T;
}

/** Names compare without case, accents, punctuation or spacing differences. */
export function normaliseName(name: string) {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The keyed hash of a child's name and date of birth (YYYY-MM-DD) that finds their records without decrypting any. */
export function subjectIndex(childName: string, dateOfBirth: string | null | undefined): string | null {
  if (!dateOfBirth || !childName.trim()) return null;
  return createHmac("sha256", keyRing().index)
    .update(`${normaliseName(childName)}|${dateOfBirth.trim()}`)
    .digest("hex");
}

/** Checks the key setting early, so a bad key stops start-up rather than the first referral. */
export function checkEncryptionKey() {
  keyRing();
}
