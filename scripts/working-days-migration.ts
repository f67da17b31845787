// Writes the migration that installs working_days_between() as app/calendar/working-days.ts defines it.
// Usage: npm run db:working-days            (a new custom migration, after changing NON_WORKING_DATES)
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { workingDaysMigrationSql } from "../app/calendar/working-days";

execFileSync("npx", ["drizzle-kit", "generate", "--custom", "--name", "working_days"], { stdio: "inherit" });
const file = readdirSync("db/migrations")
  .filter((f) => f.endsWith("_working_days.sql"))
  .sort()
  .at(-1)!;
writeFileSync(`db/migrations/${file}`, workingDaysMigrationSql());
console.log(`Wrote db/migrations/${file}`);
