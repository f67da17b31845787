// Gives each test file its own copy of the migrated, seeded template database,
// installed as the app's database handle so domain code runs unchanged.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { openDatabase, setDatabaseHandle, type DatabaseHandle } from "../../app/db.server";
import { databaseNameFor, withDatabase } from "./template";

let handle: DatabaseHandle | undefined;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const templateUrl = inject("templateDatabaseUrl");
  const templateFile = inject("pgliteTemplateFile");
  if (templateUrl) {
    const template = new URL(templateUrl).pathname.slice(1);
    const name = databaseNameFor(templateUrl, `f${randomBytes(4).toString("hex")}`);
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}" template "${template}"`);
    handle = await openDatabase({ url: withDatabase(templateUrl, name) });
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    };
  } else {
    handle = await openDatabase({ loadDataDir: new Blob([await readFile(templateFile!)]) });
  }
  setDatabaseHandle(handle);
});

afterAll(async () => {
  await handle?.close();
  await dropDatabase?.();
});
