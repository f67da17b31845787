// Issue 18: a backup restores into a fresh database that serves the same referrals, and no dump holds a child's
// or parent's name, date of birth, phone or email in the clear.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backup, postgresTool, restore } from "~/backup/backup.server";
import { type DatabaseHandle, databaseHandle, getDb, openDatabase, setDatabaseHandle } from "~/db.server";
import { sendReferral } from "~/referrals/commands.server";
import { getReferral } from "~/referrals/queries.server";
import { withDatabase } from "../setup/template";
import { SERVICE_A, demoUsers, serviceId, validInput } from "./referrals-helpers";

const CHILD = "Eilidh Backupson";
const PARENT = "Calum Backupson";
const PHONE = "01632 960888";
const EMAIL = "calum.backupson@example.org";
const DOB = "2020-02-29";
const dir = mkdtempSync(path.join(os.tmpdir(), "fort-backup-"));
let users: Awaited<ReturnType<typeof demoUsers>>;
let original: DatabaseHandle;
let referralId: string;

beforeAll(async () => {
  users = await demoUsers();
  original = await databaseHandle();
  const { ids } = await sendReferral(
    users.healthVisitor,
    validInput([await serviceId(SERVICE_A)], { childName: CHILD, childDateOfBirth: DOB, parentName: PARENT, parentPhone: PHONE, parentEmail: EMAIL }),
  );
  referralId = ids[0]!;
});
afterAll(() => {
  setDatabaseHandle(original);
  rmSync(dir, { recursive: true, force: true });
});

function expectNoPersonalData(dump: Buffer) {
  for (const secret of [CHILD, PARENT, PHONE, EMAIL, DOB, "Backupson"]) expect(dump.includes(Buffer.from(secret)), secret).toBe(false);
}

async function servesTheSameReferral(handle: DatabaseHandle) {
  setDatabaseHandle(handle);
  try {
    const view = await getReferral(users.healthVisitor, referralId);
    expect(view?.personal).toMatchObject({ childName: CHILD, childDateOfBirth: DOB, parentPhone: PHONE, parentEmail: EMAIL });
  } finally {
    setDatabaseHandle(original);
    await handle.close();
  }
}

describe.runIf(!process.env.DATABASE_URL)("backup of the embedded database", () => {
  it("restores a backup into an empty data directory that serves the same referrals; the dump has no names in it", async () => {
    // Make a data directory like an installed FORT's from the test database, then back it up the way npm run backup does.
    const seedFile = path.join(dir, "seed.tar");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(seedFile, Buffer.from(await (await original.dumpDataDir!()).arrayBuffer()));
    const installed = path.join(dir, "installed");
    await restore({ dataDir: installed }, seedFile);
    const backupFile = path.join(dir, "fort.tar");
    await backup({ dataDir: installed }, backupFile);
    expectNoPersonalData(readFileSync(backupFile));

    await expect(restore({ dataDir: installed }, backupFile)).rejects.toThrow(/not empty/);
    const fresh = path.join(dir, "fresh");
    await restore({ dataDir: fresh }, backupFile);
    await servesTheSameReferral(await openDatabase({ dataDir: fresh }));
  });
});

describe.runIf(Boolean(process.env.DATABASE_URL))("backup of a PostgreSQL database", () => {
  it("pg_dump holds no names in the clear, and pg_restore into a fresh database serves the same referrals", async () => {
    const db = await getDb();
    const result = await db.execute(sql`select current_database() as name`);
    const name = ((Array.isArray(result) ? result : (result as { rows: { name: string }[] }).rows) as { name: string }[])[0]!.name;
    const url = withDatabase(process.env.DATABASE_URL!, name);
    const plain = spawnSync(postgresTool("pg_dump"), ["--format=plain", "--data-only", url], { maxBuffer: 512 * 1024 * 1024 });
    expect(plain.status).toBe(0);
    expectNoPersonalData(plain.stdout);

    const backupFile = path.join(dir, "fort.dump");
    await backup({ url }, backupFile);
    const freshName = `${name}_restored`;
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${freshName}"`);
      const freshUrl = withDatabase(process.env.DATABASE_URL!, freshName);
      await restore({ url: freshUrl }, backupFile);
      await servesTheSameReferral(await openDatabase({ url: freshUrl }));
    } finally {
      await admin.unsafe(`drop database if exists "${freshName}" with (force)`);
      await admin.end();
    }
  });
});
