import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../../app/db.server";
import { seedDemoData } from "../../db/seed";
import { databaseNameFor, withDatabase } from "./template";

export default async function setup(project: TestProject) {
  const run = randomBytes(4).toString("hex");
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = databaseNameFor(url, `tpl_${run}`);
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${template}"`);
    const handle = await openDatabase({ url: withDatabase(url, template) });
    await migrateDatabase(handle);
    await seedDemoData(handle.db);
    await handle.close();
    project.provide("templateDatabaseUrl", withDatabase(url, template));
    return async () => {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
      await admin.end();
    };
  }
  const handle = await openDatabase({});
  await migrateDatabase(handle);
  await seedDemoData(handle.db);
  const dump = await handle.dumpDataDir!();
  await handle.close();
  const file = path.join(tmpdir(), `fort-test-template-${run}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplateFile", file);
  return async () => {
    await rm(file, { force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabaseUrl?: string;
    pgliteTemplateFile?: string;
  }
}
