// Scottish bank holidays for the migration that writes them into non_working_days (npm run db:bank-holidays).
// They come from the package date-holidays rather than a hand-written rule, because it also knows the one-off
// holidays (jubilees, a state funeral, a moved May holiday) that no rule can predict
// (docs/decisions/0024-working-days-and-holidays.md). Only this script and its tests use it, so it is a
// devDependency: the app reads the dates from the table.
import Holidays from "date-holidays";

export const BANK_HOLIDAY_YEARS = { from: 2015, to: 2040 } as const;

export interface BankHoliday {
  day: string;
  name: string;
}

/** Bank holidays in Scotland, substitute days included, one per date (names joined when two fall on one day). */
export function scottishBankHolidays(from: number = BANK_HOLIDAY_YEARS.from, to: number = BANK_HOLIDAY_YEARS.to): BankHoliday[] {
  const calendar = new Holidays("GB", "SCT");
  const byDay = new Map<string, string[]>();
  for (let year = from; year <= to; year++) {
    for (const h of calendar.getHolidays(year)) {
      // "observance" and "optional" days (e.g. Mothering Sunday, Burns Night) are working days.
      if (h.type !== "public" && h.type !== "bank") continue;
      const day = h.date.slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), h.name.replace(/’/g, "'")]);
    }
  }
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, names]) => ({ day, name: [...new Set(names)].join("; ") }));
}

const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * The SQL that makes the bank holidays in non_working_days exactly `holidays`: a coordinator's local holiday on one
 * of those dates becomes the bank holiday. The statement-level triggers on non_working_days recount the working
 * days of the referrals whose span covers a changed date.
 */
export function bankHolidaysSql(holidays: BankHoliday[] = scottishBankHolidays()): string {
  const days = holidays.map((h) => `${quote(h.day)}::date`).join(", ");
  const rows = holidays.map((h) => `  (${quote(h.day)}, ${quote(h.name)}, 'bank')`).join(",\n");
  return `DELETE FROM "non_working_days" WHERE "kind" = 'bank' AND "day" <> ALL (ARRAY[${days}]);
--> statement-breakpoint
INSERT INTO "non_working_days" ("day", "name", "kind") VALUES
${rows}
ON CONFLICT ("day") DO UPDATE SET "name" = excluded."name", "kind" = 'bank', "created_by" = NULL
  WHERE ("non_working_days"."name", "non_working_days"."kind") IS DISTINCT FROM (excluded."name", 'bank'::non_working_day_kind);`;
}

export function bankHolidaysMigrationSql(): string {
  const { from, to } = BANK_HOLIDAY_YEARS;
  return `-- Scottish bank holidays ${from}–${to}, generated from the package date-holidays by \`npm run db:bank-holidays\`:
-- do not edit by hand. Local holidays are added by coordinators at /coordinator/holidays.
${bankHolidaysSql()}
`;
}
