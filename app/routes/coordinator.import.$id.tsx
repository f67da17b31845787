import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { requireRole } from "~/auth/permissions.server";
import { importDecisionSchema } from "~/openreferral/forms";
import type { ImportAction, ImportReport } from "~/openreferral/import.server";
import { ImportStateError, type ImportRunProgress, discardStagedImport, getStagedImport, startStagedImport } from "~/openreferral/staging.server";
import { requireSameOrigin } from "~/security/request.server";
import { RouteErrorBoundary } from "~/components/ErrorPage";
import { readForm } from "~/http/form.server";

/** How many records the page lists; the counts always cover the whole file. */
const ITEMS_SHOWN = 500;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const staged = await getStagedImport(user, params.id);
  if (!staged) throw new Response("We could not find that import. It may belong to another coordinator, or the link may be wrong.", { status: 404 });
  const report = staged.result ?? staged.preview;
  // While applying the page is fetched every couple of seconds and shows no list: only the figures travel.
  const shown = staged.state === "applying" ? 0 : ITEMS_SHOWN;
  return {
    id: staged.id,
    fileName: staged.fileName,
    source: staged.source,
    state: staged.state,
    progress: staged.state === "applying" || staged.progress?.failure ? staged.progress : null,
    report: { ...report, items: report.items.slice(0, shown), itemsLeftOut: report.itemsLeftOut + Math.max(0, report.items.length - shown) },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "coordinator");
  const submission = parseWithZod(await readForm(request), { schema: importDecisionSchema });
  if (submission.status !== "success") return data({ message: "Choose whether to import or cancel." }, { status: 400 });
  const staged = await getStagedImport(user, params.id);
  if (!staged) throw new Response("We could not find that import.", { status: 404 });
  try {
    // Applying runs in the background: the page it redirects to follows its progress.
    if (submission.value.intent === "confirm") await startStagedImport(user, staged.id);
    else await discardStagedImport(user, staged.id);
  } catch (error) {
    if (error instanceof ImportStateError) return data({ message: error.message }, { status: 409 });
    throw error;
  }
  throw redirect(submission.value.intent === "confirm" ? `/coordinator/import/${staged.id}` : "/coordinator/import");
}

const ACTION_TAGS: Record<ImportAction, { label: string; preview: string; className: string }> = {
  create: { label: "Created", preview: "Will be created", className: "ds_tag ds_tag--green" },
  update: { label: "Updated", preview: "Will be updated", className: "ds_tag ds_tag--blue" },
  unchanged: { label: "No change", preview: "No change", className: "ds_tag ds_tag--grey" },
  skip: { label: "Skipped", preview: "Will be skipped", className: "ds_tag ds_tag--red" },
};

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function CountsRow({ label, counts, applied }: { label: string; counts: Record<ImportAction, number>; applied: boolean }) {
  return (
    <div className="ds_summary-list__item">
      <dt className="ds_summary-list__key">{label}</dt>
      <dd className="ds_summary-list__value">
        {counts.create} {applied ? "created" : "new"}, {counts.update} {applied ? "updated" : "to update"}, {counts.unchanged} unchanged, {counts.skip} skipped
      </dd>
    </div>
  );
}

/** How often the page asks for fresh figures while an import runs (with JavaScript; without, it refreshes itself). */
const REVALIDATE_MS = 1_500;

function formatDuration(seconds: number) {
  if (seconds < 45) return "less than a minute";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, "minute")}`;
  return `about ${plural(Math.round(minutes / 6) / 10, "hour")}`;
}

function ImportRunning({ id, progress }: { id: string; progress: ImportRunProgress | null }) {
  const revalidator = useRevalidator();
  useEffect(() => {
    // Only ever mounted while the import runs: when the loader says it has finished, this goes and so does the timer.
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, REVALIDATE_MS);
    return () => clearInterval(timer);
  }, [revalidator]);
  const records = progress?.records ?? 0;
  const total = Math.max(progress?.total ?? 0, records);
  const percent = total > 0 ? Math.floor((records / total) * 100) : 0;
  // Screen readers hear a quarter at a time, not every refresh of the figures.
  const quarter = Math.floor(percent / 25) * 25;
  return (
    <>
      {/* Without JavaScript the page reloads itself every 2 seconds while the import runs (a meta refresh is not a script, so the CSP allows it). */}
      <noscript>
        <meta httpEquiv="refresh" content="2" />
      </noscript>
      <p className="ds_lead">FORT is saving the services. You can leave this page: the import carries on, and you can come back to it from Import services.</p>
      <div className="ds_question">
        <label className="ds_label" htmlFor="import-progress">
          Records done
        </label>
        <progress id="import-progress" className="fort-import-progress" max={Math.max(total, 1)} value={records} aria-describedby="import-progress-figures">
          {percent}%
        </progress>
      </div>
      <dl className="ds_summary-list" id="import-progress-figures">
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Records done</dt>
          <dd className="ds_summary-list__value">
            {records} of about {total} ({percent}%)
          </dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Services saved</dt>
          <dd className="ds_summary-list__value">{progress?.written ?? 0}</dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Speed</dt>
          <dd className="ds_summary-list__value">{progress && progress.rate > 0 ? `${Math.round(progress.rate)} records a second` : "Starting"}</dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Time left</dt>
          <dd className="ds_summary-list__value">{progress?.secondsLeft != null ? formatDuration(progress.secondsLeft) : "Working it out"}</dd>
        </div>
      </dl>
      <p className="visually-hidden" role="status">
        {quarter > 0 ? `Import ${quarter}% done` : ""}
      </p>
      <p>
        <a href={`/coordinator/import/${id}`}>Check progress</a>
      </p>
      <p className="ds_hint-text">
        The services are saved in batches. If the import stops part-way, the batches already saved stay saved and wait for approval; importing the file again
        does not copy them: they show as unchanged, or are updated again.
      </p>
    </>
  );
}

export default function ImportPreview() {
  const { id, fileName, source, state, progress, report } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const applied = state === "applied";
  return (
    <>
      <nav aria-label="Breadcrumb" className="ds_breadcrumbs">
        <ol className="ds_breadcrumbs__list">
          <li className="ds_breadcrumbs__item">
            <Link className="ds_breadcrumbs__link" to="/coordinator/import">
              Import services
            </Link>
          </li>
        </ol>
      </nav>
      <header className="ds_page-header">
        <span className="ds_page-header__label ds_content-label">{fileName}</span>
        <h1 className="ds_page-header__title">
          {applied ? "Import complete" : state === "applying" ? "Importing" : state === "discarded" ? "Import cancelled" : "Check what this import will do"}
        </h1>
      </header>

      {actionData?.message && (
        <div className="ds_error-summary" role="alert" aria-labelledby="decision-error-title" tabIndex={-1}>
          <h2 className="ds_error-summary__title" id="decision-error-title">
            There is a problem
          </h2>
          <p>{actionData.message}</p>
        </div>
      )}

      {state === "applying" && <ImportRunning id={id} progress={progress} />}

      {state === "previewed" && progress?.failure && (
        <div className="ds_error-summary" role="alert" aria-labelledby="run-failed-title">
          <h2 className="ds_error-summary__title" id="run-failed-title">
            The import did not finish
          </h2>
          <p>{progress.failure}</p>
          <p>You can import the file again: services already saved show as unchanged, or are updated again, and are not copied.</p>
        </div>
      )}

      {state !== "applying" && <ImportReportView source={source} state={state} report={report as ImportReport} failed={!!progress?.failure} />}
    </>
  );
}

function ImportReportView({ source, state, report: r, failed }: { source: string; state: string; report: ImportReport; failed: boolean }) {
  const navigation = useNavigation();
  const applied = state === "applied";
  const changes = r.counts.service.create + r.counts.service.update + r.counts.organisation.create + r.counts.organisation.update;
  return (
    <>
      {applied && (
        <div className="ds_inset-text" role="status">
          <p className="ds_inset-text__text">
            {plural(r.counts.service.create + r.counts.service.update, "service")} {r.counts.service.create + r.counts.service.update === 1 ? "is" : "are"} now
            awaiting approval. They become public once a coordinator approves them.
          </p>
          <p className="ds_inset-text__text">
            <Link to="/coordinator/approvals">Go to the approval queue</Link>
          </p>
        </div>
      )}

      {r.refusal ? (
        <div className="ds_error-summary" role="alert" aria-labelledby="refusal-title">
          <h2 className="ds_error-summary__title" id="refusal-title">
            This file cannot be imported
          </h2>
          <p>{r.refusal}</p>
        </div>
      ) : (
        !applied &&
        state === "previewed" && (
          <p className="ds_lead">
            {failed ? "" : "Nothing has changed yet. "}
            {changes > 0 ? "Check the list, then import or cancel." : "There is nothing new or changed in this file."}
          </p>
        )
      )}

      <dl className="ds_summary-list">
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Source recorded</dt>
          <dd className="ds_summary-list__value">{source}</dd>
        </div>
        <div className="ds_summary-list__item">
          <dt className="ds_summary-list__key">Records read</dt>
          <dd className="ds_summary-list__value">
            {r.records}
            {r.format ? ` (${r.format === "tabular" ? "tabular CSV" : r.format === "ndjson" ? "newline-delimited JSON" : "JSON"})` : ""}
          </dd>
        </div>
        <CountsRow label="Services" counts={r.counts.service} applied={applied} />
        <CountsRow label="Organisations" counts={r.counts.organisation} applied={applied} />
        <CountsRow label="Locations" counts={r.counts.location} applied={applied} />
        {r.counts.invalid > 0 && (
          <div className="ds_summary-list__item">
            <dt className="ds_summary-list__key">Not meeting the standard</dt>
            <dd className="ds_summary-list__value">{plural(r.counts.invalid, "record")}</dd>
          </div>
        )}
      </dl>

      {state === "previewed" && !r.refusal && changes > 0 && (
        <Form method="post" className="ds_button-group">
          <button type="submit" name="intent" value="confirm" className="ds_button" disabled={navigation.state === "submitting"}>
            Import {plural(r.counts.service.create + r.counts.service.update, "service")}
          </button>{" "}
          <button type="submit" name="intent" value="cancel" className="ds_button ds_button--secondary" disabled={navigation.state === "submitting"}>
            Cancel
          </button>
        </Form>
      )}
      {state === "previewed" && (r.refusal || changes === 0) && (
        <Form method="post">
          <button type="submit" name="intent" value="cancel" className="ds_button ds_button--secondary">
            Discard this file
          </button>
        </Form>
      )}

      {r.warnings.length > 0 && (
        <>
          <h2>Things to know</h2>
          <ul>
            {r.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      )}

      <h2>Record by record</h2>
      <table className="ds_table">
        <caption className="visually-hidden">What happens to each record in the file</caption>
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">{applied ? "What happened" : "What will happen"}</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {r.items.map((item, i) => (
            <tr key={`${item.position}-${item.entity}-${i}`}>
              <td>
                <strong>{item.name ?? "(no name)"}</strong>
                <br />
                <span className="ds_hint-text">
                  {item.entity === "record" ? "Record" : item.entity === "organisation" ? "Organisation" : "Service"}, {item.position}
                </span>
              </td>
              <td>
                <strong className={ACTION_TAGS[item.action].className}>{applied ? ACTION_TAGS[item.action].label : ACTION_TAGS[item.action].preview}</strong>
              </td>
              <td>
                {item.reasons.length === 1 ? (
                  item.reasons[0]
                ) : (
                  <ul>
                    {item.reasons.map((reason) => (
                      <li key={reason}>{reason}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.itemsLeftOut > 0 && <p>And {plural(r.itemsLeftOut, "more record")}, counted above but not listed.</p>}
      <p>
        <Link to="/coordinator/import">Import another file</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.state === "applied" ? "Import complete" : data?.state === "applying" ? "Importing" : "Check the import"} – FORT` },
];

export function ErrorBoundary() {
  return <RouteErrorBoundary titles={{ 404: "Import not found" }} back={{ to: "/coordinator/import", label: "Back to imports" }} />;
}
