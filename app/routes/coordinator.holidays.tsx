import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import { z } from "zod";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { localHolidaySchema } from "~/calendar/holiday-form";
import { addLocalHoliday, listNonWorkingDays, removeLocalHoliday } from "~/calendar/non-working-days.server";
import { clock } from "~/clock.server";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { readForm } from "~/http/form.server";
import { clientIp } from "~/security/client-address.server";
import { requireSameOrigin } from "~/security/request.server";

// This year and next: the holidays that can still change an open referral's count, and the ones to plan for.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const year = clock.now().getUTCFullYear();
  return { days: await listNonWorkingDays(user, `${year}-01-01`, `${year + 1}-12-31`), years: [year, year + 1] };
}

// The remove button's form: the day it names (a holiday the page listed).
const removeSchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "That holiday no longer exists. Reload the page.") });

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "coordinator");
  const form = await readForm(request);
  const removing = form.get("intent") === "remove";
  const submission = removing ? parseWithZod(form, { schema: removeSchema }) : parseWithZod(form, { schema: localHolidaySchema });
  if (submission.status !== "success") {
    // A bad remove button is the page's problem, not a field's: say it once, at the top.
    const reply = removing ? submission.reply({ formErrors: ["That holiday no longer exists. Reload the page."] }) : submission.reply();
    return data({ result: reply, done: null }, { status: 400 });
  }
  try {
    if (removing) {
      await removeLocalHoliday(user, submission.value.day, clientIp(request));
      return { result: submission.reply({ resetForm: true }), done: "Local holiday removed. Working days have been recounted." };
    }
    const holiday = submission.value as z.infer<typeof localHolidaySchema>;
    await addLocalHoliday(user, holiday, clientIp(request));
    return { result: submission.reply({ resetForm: true }), done: `${holiday.name} added. Working days have been recounted.` };
  } catch (error) {
    const refusal = refusalOf(error);
    return data({ result: submission.reply(replyErrorsOf(refusal)), done: null }, { status: refusal.status });
  }
}

const LONG_DATE = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const longDate = (day: string) => LONG_DATE.format(new Date(`${day}T00:00:00Z`));
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

export default function Holidays() {
  const { days, years } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "holiday",
    lastResult: result?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: localHolidaySchema }),
    shouldValidate: "onSubmit",
  });
  return (
    <>
      <h1>Holidays</h1>
      <p>
        Response times and overdue flags count working days: Monday to Friday, less the Scottish bank holidays and the local holidays added here. Add the local
        holidays services in your area close for, for example Dundee&apos;s autumn holiday.
      </p>
      {result?.done && (
        <div className="ds_inset-text" role="status">
          <p className="ds_inset-text__text">{result.done}</p>
        </div>
      )}
      <ErrorSummary errors={summariseErrors(form, { day: fields.day, name: fields.name })} />
      <h2>Add a local holiday</h2>
      <Form method="post" {...getFormProps(form)}>
        <TextField meta={fields.day} label="Date" hint="For example, 2026-09-28" type="date" width="fixed-20" />
        <TextField meta={fields.name} label="Name" hint="For example, Dundee autumn holiday" width="fixed-20" />
        <button type="submit" className="ds_button" name="intent" value="add">
          Add local holiday
        </button>
      </Form>
      <h2>
        Holidays in {years[0]} and {years[1]}
      </h2>
      <div className="fort-table-wrap">
        <table className="ds_table">
          <caption className="visually-hidden">
            Bank and local holidays in {years[0]} and {years[1]}
          </caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Holiday</th>
              <th scope="col">Kind</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.day}>
                <td className="fort-nowrap">{longDate(d.day)}</td>
                <td>
                  {d.name}
                  {isWeekend(d.day) && <span className="ds_hint-text"> (falls on a weekend)</span>}
                </td>
                <td>{d.kind === "bank" ? "Bank holiday" : `Local holiday${d.addedBy ? `, added by ${d.addedBy}` : ""}`}</td>
                <td>
                  {d.kind === "local" && (
                    <Form method="post">
                      <input type="hidden" name="day" value={d.day} />
                      <button type="submit" className="ds_button ds_button--cancel ds_button--small" name="intent" value="remove">
                        Remove<span className="visually-hidden"> {d.name}</span>
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Holidays – FORT" }];
