// Dates as people type them into a text field: day first, as in the UK ("27/03/2020", "27-3-2020", "27.03.20",
// "27 March 2020", "27 mar 2020"), or as a date picker sends them ("2020-03-27"). Every date field in FORT shows the
// hint DATE_HINT and turns what was typed into an ISO date, or says plainly what is wrong.
import { z } from "zod";

export const DATE_EXAMPLE = "27/03/2020";
export const DATE_HINT = `Day, month and year, for example ${DATE_EXAMPLE}`;

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export type TypedDate = { iso: string } | { error: string };

function monthNumber(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, "");
  if (w.length < 3) return null;
  const index = MONTHS.findIndex((m) => m.startsWith(w) || (w === "sept" && m === "september"));
  return index >= 0 ? index + 1 : null;
}

function fullYear(text: string, today: Date): number {
  if (text.length !== 2) return Number(text);
  // Two-digit years: this century unless that would be in the future.
  const year = 2000 + Number(text);
  return year > today.getUTCFullYear() ? year - 100 : year;
}

/** What was typed as an ISO date (yyyy-mm-dd), or a sentence saying what is wrong with it. */
export function parseTypedDate(typed: string, today = new Date()): TypedDate {
  const text = typed.trim().replace(/\s+/g, " ");
  let day: number;
  let month: number | null;
  let year: number;
  let m: RegExpMatchArray | null;
  if ((m = text.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/))) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = text.match(/^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{2}|\d{4})$/))) {
    [day, month, year] = [Number(m[1]), Number(m[2]), fullYear(m[3]!, today)];
  } else if ((m = text.match(/^(\d{1,2})(?:st|nd|rd|th)?[ \-/.]?([A-Za-z]+\.?)[ \-/.,]*(\d{2}|\d{4})$/))) {
    month = monthNumber(m[2]!);
    if (month === null) return { error: `“${m[2]}” is not a month. Enter the date as day, month and year, for example ${DATE_EXAMPLE}` };
    [day, year] = [Number(m[1]), fullYear(m[3]!, today)];
  } else if (/^\d{1,2}\s*[/.\- ]\s*\d{1,2}$/.test(text)) {
    return { error: `Include the year, for example ${DATE_EXAMPLE}` };
  } else {
    return { error: `Enter the date as day, month and year, for example ${DATE_EXAMPLE}` };
  }
  if (month < 1 || month > 12) return { error: `Enter a real date: the month must be from 1 to 12 (day, then month, then year, for example ${DATE_EXAMPLE})` };
  if (year < 1900 || year > 2999) return { error: `Enter the year in full, for example ${DATE_EXAMPLE}` };
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return { error: `Enter a real date: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth} days` };
  return { iso: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
}

/** An ISO date shown the way the hint asks for it: 2020-03-27 → 27/03/2020. */
export function formatTypedDate(iso: string): string {
  const m = iso.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** A zod schema for a required date field: what was typed in, an ISO date out. */
export function typedDateSchema(requiredMessage: string) {
  return z
    .string({ required_error: requiredMessage })
    .trim()
    .min(1, requiredMessage)
    .transform((value, ctx) => {
      const parsed = parseTypedDate(value);
      if ("error" in parsed) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.error });
        return z.NEVER;
      }
      return parsed.iso;
    });
}
