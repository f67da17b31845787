// The coordinator's form for a local holiday (issue 15), shared by the page and the domain function.
import { z } from "zod";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string) {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export const localHolidaySchema = z.object({
  day: z
    .string({ required_error: "Enter the date of the holiday" })
    .trim()
    .min(1, "Enter the date of the holiday")
    .regex(ISO_DATE, "Enter the date like 2026-09-28")
    .refine(isRealDate, "Enter a real date, like 2026-09-28")
    // Saturdays and Sundays are never working days, so a holiday on one would change nothing.
    .refine(
      (v) => !isRealDate(v) || ![0, 6].includes(new Date(`${v}T00:00:00Z`).getUTCDay()),
      "Choose a weekday: Saturdays and Sundays are never working days",
    ),
  name: z
    .string({ required_error: "Enter the name of the holiday" })
    .trim()
    .min(1, "Enter the name of the holiday, for example: Dundee autumn holiday")
    .max(80, "Keep the name to 80 characters or fewer"),
});

export type LocalHoliday = z.infer<typeof localHolidaySchema>;
