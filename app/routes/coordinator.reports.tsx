import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { clock } from "~/clock.server";
import { BarChart, MonthColumns, ReportSection } from "~/reports/charts";
import { filtersQuery, parseReportFilters, type ReportFilters } from "~/reports/filters";
import { dashboard, filterOptions, reportTables } from "~/reports/reports.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { readQuery } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const parsed = parseReportFilters(readQuery(request), clock.now());
  const options = await filterOptions();
  if (!parsed.ok) return data({ options, errors: parsed.errors, values: parsed.values, report: null, tables: null, query: "" }, { status: 400 });
  const report = await dashboard(user, parsed.filters);
  return {
    options,
    errors: {},
    values: parsed.filters as unknown as Record<string, string>,
    report,
    tables: reportTables(report),
    query: filtersQuery(parsed.filters),
  };
}

type Errors = Partial<Record<keyof ReportFilters, string>>;

function Select({
  name,
  label,
  value,
  error,
  options,
}: {
  name: string;
  label: string;
  value?: string;
  error?: string;
  options: { value: string; label: string }[];
}) {
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={`filter-${name}`}>
        {label}
      </label>
      {error && (
        <p className="ds_question__error-message" id={`filter-${name}-error`}>
          {error}
        </p>
      )}
      <div className="ds_select-wrapper">
        <select
          className="ds_select"
          id={`filter-${name}`}
          name={name}
          defaultValue={value ?? ""}
          aria-describedby={error ? `filter-${name}-error` : undefined}
        >
          <option value="">All</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <span className="ds_select-arrow" aria-hidden="true" />
      </div>
    </div>
  );
}

function DateInput({ name, label, value, error }: { name: string; label: string; value?: string; error?: string }) {
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={`filter-${name}`}>
        {label}
      </label>
      {error && (
        <p className="ds_question__error-message" id={`filter-${name}-error`}>
          {error}
        </p>
      )}
      <input
        className={`ds_input ds_input--fixed-10${error ? " ds_input--error" : ""}`}
        type="date"
        id={`filter-${name}`}
        name={name}
        defaultValue={value ?? ""}
        aria-describedby={error ? `filter-${name}-error` : undefined}
      />
    </div>
  );
}

const days = (v: number | null) => (v === null ? "–" : `${Number(v.toFixed(1))}`);

export default function Reports() {
  const { options, errors, values, report, tables, query } = useLoaderData<typeof loader>();
  const e = errors as Errors;
  const csv = (name: string) => `/coordinator/reports/export/${name}${query ? `?${query}` : ""}`;
  return (
    <>
      <h1>Reports</h1>
      <p>
        Referrals sent through FORT, by the month they were sent. Times are in <strong>working days</strong> (Monday to Friday) from the day a referral was
        sent. No names or addresses are used: areas come from the child&apos;s postcode district when the referral was sent.
      </p>
      <Form method="get" aria-labelledby="filters-heading">
        <h2 id="filters-heading" className="ds_h3">
          Filters
        </h2>
        {Object.keys(e).length > 0 && (
          <div className="ds_error-summary" role="alert" aria-labelledby="filter-errors-title">
            <h2 className="ds_error-summary__title" id="filter-errors-title">
              Check the filters
            </h2>
            <ul className="ds_error-summary__list">
              {Object.entries(e).map(([k, message]) => (
                <li key={k}>
                  <a href={`#filter-${k}`}>{message}</a>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="fort-report-filters">
          <DateInput name="from" label="Sent from" value={values.from} error={e.from} />
          <DateInput name="to" label="Sent up to" value={values.to} error={e.to} />
          <Select
            name="organisation"
            label="Organisation"
            value={values.organisation}
            error={e.organisation}
            options={options.organisations.map((o) => ({ value: o.id, label: o.name }))}
          />
          <Select
            name="service"
            label="Service"
            value={values.service}
            error={e.service}
            options={options.services.map((s) => ({ value: s.id, label: `${s.name} (${s.organisation_name})` }))}
          />
          <Select name="ward" label="Ward" value={values.ward} error={e.ward} options={options.wards.map((w) => ({ value: w.code, label: w.name }))} />
          <Select
            name="need"
            label="Wellbeing need"
            value={values.need}
            error={e.need}
            options={options.needs.map((n) => ({ value: n.code, label: n.name }))}
          />
        </div>
        <button type="submit" className="ds_button">
          Apply filters
        </button>{" "}
        <Link to="/coordinator/reports" className="ds_button ds_button--secondary">
          Clear filters
        </Link>
      </Form>
      <p>
        See also: <Link to={`/coordinator/gaps${query ? `?${query}` : ""}`}>gaps in provision by ward</Link> and{" "}
        <Link to="/coordinator/stale">stale records</Link>.
      </p>

      {report && tables && (
        <>
          <h2>At a glance</h2>
          <dl className="fort-figures" aria-label="Key figures">
            <div>
              <dt>Referrals sent</dt>
              <dd>{report.summary.total}</dd>
            </div>
            <div>
              <dt>Accepted, of those decided</dt>
              <dd>{report.summary.acceptanceRate === null ? "–" : `${Math.round(report.summary.acceptanceRate * 100)}%`}</dd>
            </div>
            <div>
              <dt>Working days to first response (median / 90th percentile)</dt>
              <dd>
                {days(report.summary.responseMedian)} / {days(report.summary.responseP90)}
              </dd>
            </div>
            <div>
              <dt>Working days to close (median / 90th percentile)</dt>
              <dd>
                {days(report.summary.closeMedian)} / {days(report.summary.closeP90)}
              </dd>
            </div>
          </dl>
          <ReportSection
            name="summary"
            table={tables.summary}
            csvHref={csv("summary")}
            intro={
              <p className="ds_hint-text">
                Acceptance rate: accepted (including support under way and closed) out of those accepted or declined. Time to close counts referrals closed with
                an outcome. The 90th percentile is the time within which nine in ten were answered.
              </p>
            }
          />
          <ReportSection
            name="by-month"
            table={tables["by-month"]}
            csvHref={csv("by-month")}
            chart={
              <MonthColumns
                title="Referrals sent each month"
                description="How many referrals were sent in each month of the period, for the filters chosen."
                data={report.monthly.map((m) => ({ month: m.month, value: m.total }))}
              />
            }
          />
          <ReportSection
            name="by-state"
            table={tables["by-state"]}
            csvHref={csv("by-state")}
            chart={
              <BarChart
                title="Where referrals are now"
                description="Referrals sent in the period, by the state they are in today."
                data={report.stateTotals.map((s) => ({ label: s.label, value: s.n }))}
              />
            }
          />
          <ReportSection
            name="by-need"
            table={tables["by-need"]}
            csvHref={csv("by-need")}
            chart={
              <BarChart
                title="Referrals by wellbeing need"
                description="How many referrals named each SHANARRI need; one referral can name several."
                data={report.needs.map((n) => ({ label: n.name, value: n.n }))}
              />
            }
          />
          <section className="fort-report" aria-labelledby="ward-multiples-heading">
            <h2 id="ward-multiples-heading">Referrals by ward, month by month</h2>
            <p className="ds_hint-text">
              One small chart per ward, all on the same scale, so wards can be compared at a glance. The figures are in the next table.
            </p>
            <ul className="fort-multiples">
              {report.wards.map((w) => {
                const max = Math.max(1, ...report.wards.flatMap((x) => x.monthly.map((m) => m.n)));
                return (
                  <li key={w.code ?? "none"}>
                    <p className="ds_!_margin-bottom--0">
                      <strong>{w.name}</strong>: {w.n}
                    </p>
                    <MonthColumns small data={w.monthly.map((m) => ({ month: m.month, value: m.n }))} max={max} />
                  </li>
                );
              })}
            </ul>
          </section>
          <ReportSection name="by-ward" table={tables["by-ward"]} csvHref={csv("by-ward")} />
          <ReportSection
            name="by-service"
            table={tables["by-service"]}
            csvHref={csv("by-service")}
            chart={
              <BarChart
                title="Busiest services"
                description="The 20 services that received the most referrals in the period."
                data={report.services.slice(0, 20).map((s) => ({ label: s.name, value: s.n }))}
              />
            }
          />
          <ReportSection
            name="by-organisation"
            table={tables["by-organisation"]}
            csvHref={csv("by-organisation")}
            chart={
              <BarChart
                title="Busiest organisations"
                description="The 20 organisations that received the most referrals in the period."
                data={report.organisations.slice(0, 20).map((o) => ({ label: o.name, value: o.n }))}
              />
            }
          />
          <ReportSection
            name="decline-reasons"
            table={tables["decline-reasons"]}
            csvHref={csv("decline-reasons")}
            chart={
              report.declineReasons.length > 0 ? (
                <BarChart
                  title="Why referrals were declined"
                  description="Declined referrals in the period, by the reason the service gave."
                  axisLabel="Declined referrals"
                  data={report.declineReasons.map((r) => ({ label: r.label, value: r.n }))}
                />
              ) : undefined
            }
          />
          <ReportSection
            name="close-outcomes"
            table={tables["close-outcomes"]}
            csvHref={csv("close-outcomes")}
            chart={
              report.closeOutcomes.length > 0 ? (
                <BarChart
                  title="How support ended"
                  description="Closed referrals in the period, by the outcome the service recorded."
                  axisLabel="Closed referrals"
                  data={report.closeOutcomes.map((r) => ({ label: r.label, value: r.n }))}
                />
              ) : undefined
            }
          />
          <ReportSection name="need-outcomes" table={tables["need-outcomes"]} csvHref={csv("need-outcomes")} />
          <ReportSection
            name="waiting-lists"
            table={tables["waiting-lists"]}
            csvHref={csv("waiting-lists")}
            intro={<p className="ds_hint-text">Services with a waiting list today, and how many referrals to each are still open, whenever they were sent.</p>}
          />
        </>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Reports – FORT" }];

export function ErrorBoundary() {
  return <RouteErrorBoundary titles={{ 500: "The reports could not be loaded" }} back={{ to: "/coordinator/reports", label: "Back to reports" }} />;
}
