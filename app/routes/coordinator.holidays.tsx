import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { localHolidaySchema } from "~/calendar/holiday-form";
import { addLocalHoliday, listNonWorkingDays, removeLocalHoliday } from "~/calendar/non-working-days.server";
import { clock } from "~/clock.server";
import { refusalOf } from "~/domain/refusal.server";
import { readForm } from "~/http/form.server";
import { clientIp } from "~/security/client-address.server";
import { requireSameOrigin } from "~/security/request.server";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

// This year and next: the holidays that can still change an open referral's count, and the ones to plan for.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const year = clock.now().getUTCFullYear();
  return { days: await listNonWorkingDays(user, `${year}-01-01`, `${year + 1}-12-31`), years: [year, year + 1] };
}

type Errors = { day?: string; name?: string; form?: string };

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "coordinator");
  const form = await readForm(request);
  const values = { day: String(form.get("day") ?? ""), name: String(form.get("name") ?? "") };
  try {
    if (form.get("intent") === "remove") {
      if (!ISO_DATE.test(values.day))
        return data({ errors: { form: "That holiday no longer exists. Reload the page." } as Errors, values, done: null }, { status: 400 });
      await removeLocalHoliday(user, values.day, clientIp(request));
      return { errors: {} as Errors, values: { day: "", name: "" }, done: "Local holiday removed. Working days have been recounted." };
    }
    const parsed = localHolidaySchema.safeParse(values);
    if (!parsed.success) {
      const errors: Errors = {};
      for (const issue of parsed.error.issues) errors[issue.path[0] as "day" | "name"] ??= issue.message;
      return data({ errors, values, done: null }, { status: 400 });
    }
    await addLocalHoliday(user, parsed.data, clientIp(request));
    return { errors: {} as Errors, values: { day: "", name: "" }, done: `${parsed.data.name} added. Working days have been recounted.` };
  } catch (error) {
    const refusal = refusalOf(error);
    const errors: Errors = { day: refusal.fieldErrors.day?.[0], name: refusal.fieldErrors.name?.[0] };
    if (!errors.day && !errors.name) errors.form = refusal.message;
    return data({ errors, values, done: null }, { status: refusal.status });
  }
}

const LONG_DATE = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const longDate = (day: string) => LONG_DATE.format(new Date(`${day}T00:00:00Z`));
const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

function Field({ name, label, hint, type, value, error }: { name: "day" | "name"; label: string; hint: string; type: string; value: string; error?: string }) {
  const id = `holiday-${name}`;
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={id}>
        {label}
      </label>
      <p className="ds_hint-text" id={`${id}-hint`}>
        {hint}
      </p>
      {error && (
        <p className="ds_question__error-message" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        className={`ds_input ds_input--fixed-20${error ? " ds_input--error" : ""}`}
        id={id}
        name={name}
        type={type}
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
    </div>
  );
}

export default function Holidays() {
  const { days, years } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Errors = result?.errors ?? {};
  const values = result?.values ?? { day: "", name: "" };
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
      {errors.form && (
        <div className="ds_error-summary" role="alert">
          <h2 className="ds_error-summary__title">The change was not made</h2>
          <p>{errors.form}</p>
        </div>
      )}
      <h2>Add a local holiday</h2>
      <Form method="post" key={result?.done ?? "form"}>
        <Field name="day" label="Date" hint="For example, 2026-09-28" type="date" value={values.day} error={errors.day} />
        <Field name="name" label="Name" hint="For example, Dundee autumn holiday" type="text" value={values.name} error={errors.name} />
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
