import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { ErrorSummary, TextField, summariseErrors } from "~/components/forms";
import { formatDate } from "~/directory/format";
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_LABEL, importUploadSchema } from "~/openreferral/forms";
import { recentImports, stageImport } from "~/openreferral/staging.server";
import { requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const imports = await recentImports(user);
  return {
    imports: imports.map((i) => ({
      id: i.id,
      fileName: i.fileName,
      state: i.state,
      createdAt: i.createdAt.toISOString(),
      services: (i.result ?? i.preview).counts.service,
    })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "coordinator");
  let formData: FormData;
  try {
    // Room for the form's other fields and the multipart framing around the file(s).
    formData = await readForm(request, { maxBytes: MAX_UPLOAD_BYTES + 64 * 1024 });
  } catch (error) {
    if (!(error instanceof Response && error.status === 413)) throw error;
    const submission = parseWithZod(new FormData(), { schema: importUploadSchema });
    return data(
      submission.reply({
        fieldErrors: { feed: [`The file must be ${MAX_UPLOAD_LABEL} or smaller here; import larger feeds with the command line (npm run oruk:import)`] },
      }),
      { status: 413 },
    );
  }
  const submission = parseWithZod(formData, { schema: importUploadSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const files = await Promise.all(submission.value.feed.map(async (f) => ({ name: f.name || "feed", bytes: new Uint8Array(await f.arrayBuffer()) })));
  const id = await stageImport(user, files, submission.value.source);
  throw redirect(`/coordinator/import/${id}`);
}

const STATE_LABELS = { previewed: "Waiting for your confirmation", applying: "Importing now", applied: "Imported", discarded: "Cancelled" } as const;

export default function ImportStart() {
  const { imports } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: importUploadSchema }),
    shouldValidate: "onSubmit",
  });
  const feedError = fields.feed.errors?.[0];
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <header className="ds_page-header">
          <span className="ds_page-header__label ds_content-label">Coordinator</span>
          <h1 className="ds_page-header__title">Import services from an Open Referral feed</h1>
        </header>
        <p className="ds_lead">Bring in another directory's services instead of typing them again.</p>
        <p>
          FORT reads Open Referral UK (HSDS-UK 3.0) data: a JSON file of services or organisations, newline-delimited JSON, or the standard's tabular form (its
          CSV files, chosen together or zipped). You will see what would be created, updated or skipped, and why, before anything changes. Imported services
          wait in the approval queue until a coordinator approves them.
        </p>
        <ErrorSummary errors={summariseErrors(form, { feed: fields.feed, source: fields.source })} />
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
          <div className={`ds_question${feedError ? " ds_question--error" : ""}`}>
            <label className="ds_label" htmlFor={fields.feed.id}>
              Feed file
            </label>
            <p className="ds_hint-text" id={`${fields.feed.id}-hint`}>
              .json, .ndjson, .csv or .zip, up to {MAX_UPLOAD_LABEL}. For the tabular form, choose all its CSV files at once.
            </p>
            {feedError && (
              <p className="ds_question__error-message" id={fields.feed.errorId}>
                {feedError}
              </p>
            )}
            <input
              {...getInputProps(fields.feed, { type: "file", ariaDescribedBy: `${fields.feed.id}-hint${feedError ? ` ${fields.feed.errorId}` : ""}` })}
              key={fields.feed.key}
              multiple
              accept=".json,.ndjson,.jsonl,.csv,.zip,application/json,text/csv,application/zip"
              className={feedError ? "ds_input--error" : undefined}
            />
          </div>
          <TextField
            meta={fields.source}
            label="Where the data comes from (optional)"
            hint="For example the feed's web address or the directory's name. FORT records it on every imported service. If you leave it empty, the file name is used."
          />
          <button type="submit" className="ds_button" disabled={navigation.state === "submitting"}>
            {navigation.state === "submitting" ? "Checking the file…" : "Check the file"}
          </button>
        </Form>

        <h2>Export</h2>
        <p>
          <Link to="/coordinator/export">Export the whole directory</Link> as an Open Referral feed, in JSON or the tabular CSV form.
        </p>

        {imports.length > 0 && (
          <>
            <h2>Your recent imports</h2>
            <table className="ds_table">
              <caption className="visually-hidden">Your recent imports</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Checked on</th>
                  <th scope="col">Services</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {imports.map((i) => (
                  <tr key={i.id}>
                    <td>
                      <Link to={`/coordinator/import/${i.id}`}>{i.fileName}</Link>
                    </td>
                    <td>{formatDate(i.createdAt)}</td>
                    <td>
                      {i.services.create} new, {i.services.update} updated
                    </td>
                    <td>{STATE_LABELS[i.state]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Import services from an Open Referral feed – FORT" }];
