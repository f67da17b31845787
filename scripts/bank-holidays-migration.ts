// Writes a migration that brings the bank holidays in non_working_days up to date with scripts/bank-holidays.ts.
// Usage: npm run db:bank-holidays   (after updating date-holidays or BANK_HOLIDAY_YEARS; commit the new migration)
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { bankHolidaysMigrationSql } from "./bank-holidays";

execFileSync("npx", ["drizzle-kit", "generate", "--custom", "--name", "bank_holidays"], { stdio: "inherit" });
const file = readdirSync("db/migrations")
  .filter((f) => f.endsWith("_bank_holidays.sql"))
  .sort()
  .at(-1)!;
writeFileSync(`db/migrations/${file}`, bankHolidaysMigrationSql());
console.log(`Wrote db/migrations/${file}`);
