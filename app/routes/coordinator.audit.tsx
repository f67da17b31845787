import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { parseAuditFilters } from "~/audit/audit-filters";
import { auditFilterChoices, auditTrail } from "~/audit/audit-trail.server";
import { AuditTrailTable } from "~/audit/AuditTrailTable";
import { requireRole } from "~/auth/permissions.server";

const PAGE = 500;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const params = new URL(request.url).searchParams;
  const parsed = parseAuditFilters(params);
  const choices = await auditFilterChoices();
  const values = Object.fromEntries(["person", "organisation", "reference", "from", "to"].map((k) => [k, params.get(k) ?? ""]));
  if (!parsed.ok) return data({ ...choices, values, errors: parsed.errors, entries: [], query: "" }, { status: 400 });
  const query = new URLSearchParams(Object.entries(parsed.filters).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  return { ...choices, values, errors: {} as Record<string, string>, entries: await auditTrail(user, parsed.filters, PAGE), query };
}

function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={id}>
        {label}
      </label>
      {error && (
        <p className="ds_question__error-message" id={`${id}-error`}>
          {error}
        </p>
      )}
      {children}
    </div>
  );
}

export default function AuditLog() {
  const { entries, people, organisations, values, errors, query } = useLoaderData<typeof loader>();
  const invalid = (k: string) => (errors[k] ? { "aria-invalid": true, "aria-describedby": `${k}-error` } : {});
  return (
    <>
      <h1>Audit log</h1>
      <p>
        Every time someone read a referral's personal details or changed anything, with who they are, their organisation, when, and the reason a coordinator
        gave. To answer "who has seen this child's referral?", enter its reference. Entries cannot be changed or deleted; they are kept for the retention
        period, then removed automatically.
      </p>
      <Form method="get" className="fort-filters" aria-label="Filter the audit log">
        <Field id="reference" label="Referral reference" error={errors.reference}>
          <input
            className="ds_input ds_input--fixed-20"
            id="reference"
            name="reference"
            defaultValue={values.reference}
            placeholder="FR-AB12-CD34"
            {...invalid("reference")}
          />
        </Field>
        <Field id="person" label="Person" error={errors.person}>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="person" name="person" defaultValue={values.person} {...invalid("person")}>
              <option value="">Everyone</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.role})
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </Field>
        <Field id="organisation" label="Person's organisation" error={errors.organisation}>
          <div className="ds_select-wrapper">
            <select className="ds_select" id="organisation" name="organisation" defaultValue={values.organisation} {...invalid("organisation")}>
              <option value="">Any</option>
              {organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            <span className="ds_select-arrow" aria-hidden="true" />
          </div>
        </Field>
        <Field id="from" label="From (date)" error={errors.from}>
          <input className="ds_input ds_input--fixed-10" type="date" id="from" name="from" defaultValue={values.from} {...invalid("from")} />
        </Field>
        <Field id="to" label="To (date)" error={errors.to}>
          <input className="ds_input ds_input--fixed-10" type="date" id="to" name="to" defaultValue={values.to} {...invalid("to")} />
        </Field>
        <div className="ds_button-group">
          <button type="submit" className="ds_button">
            Show entries
          </button>
          <Link to="/coordinator/audit" className="ds_button ds_button--secondary">
            Clear filters
          </Link>
        </div>
      </Form>
      {Object.keys(errors).length === 0 && (
        <>
          <p>
            {entries.length === 0
              ? "No entries match."
              : entries.length >= PAGE
                ? `The newest ${PAGE} entries that match; narrow the filters or download them all.`
                : `${entries.length} entries, newest first.`}{" "}
            <a href={`/coordinator/audit/csv${query ? `?${query}` : ""}`} download>
              Download these entries as CSV
            </a>
          </p>
          {entries.length > 0 && <AuditTrailTable entries={entries} caption="Audit entries, newest first" />}
        </>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Audit log – FORT" }];
