// Subject access and erasure requests (issue 18): find a child's records, download them, erase them with a reason.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, data, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { parseSubjectQuery as parseQuery } from "~/privacy/subject-query";
import { eraseSubjectRecords, findSubjectRecords } from "~/privacy/subject-access.server";
import { readForm } from "~/http/form.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "coordinator");
  const url = new URL(request.url);
  const { query, errors } = parseQuery(url.searchParams);
  const records = query ? await findSubjectRecords(user, query) : null;
  return {
    values: Object.fromEntries(["reference", "childName", "dateOfBirth"].map((k) => [k, url.searchParams.get(k) ?? ""])),
    errors,
    search: query ? url.searchParams.toString() : null,
    referrals:
      records?.referrals.map((r) => ({
        id: r.id,
        reference: r.reference,
        serviceName: r.serviceName,
        state: r.state,
        sentAt: r.sentAt,
        childName: r.childName,
        anonymised: Boolean(r.anonymisedAt),
        messages: r.messages.length,
      })) ?? null,
    drafts: records?.drafts.length ?? 0,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "coordinator");
  const form = await readForm(request);
  const { query } = parseQuery(new URLSearchParams([...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string")));
  const reason = String(form.get("reason") ?? "").trim();
  const referralIds = form.getAll("referralId").map(String);
  if (!query) return data({ field: "search", error: "Search again before erasing." }, { status: 400 });
  if (reason.length < 5 || reason.length > 1000)
    return data({ field: "reason", error: "Give the reason for erasing (for example, the family's request and its date)" }, { status: 400 });
  if (referralIds.length === 0) return data({ field: "referralId", error: "Choose the referrals to erase" }, { status: 400 });
  const result = await eraseSubjectRecords(user, query, referralIds, reason, clientIp(request, context));
  return { erased: result.referrals, draftsErased: result.drafts };
}

export default function SubjectAccess() {
  const { values, errors, search, referrals, drafts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Subject access and erasure</h1>
      <p>
        Find every record FORT holds about one child, to give the family a copy or to erase it at their request. Each download and each erasure is recorded in
        the audit log.
      </p>
      <Form method="get" className="ds_!_margin-bottom--4">
        <div className={`ds_question${errors.reference ? " ds_question--error" : ""}`}>
          <label className="ds_label" htmlFor="reference">
            Reference
          </label>
          {errors.reference && (
            <p className="ds_question__error-message" id="reference-error">
              {errors.reference}
            </p>
          )}
          <input
            className="ds_input ds_input--fixed-20"
            id="reference"
            name="reference"
            defaultValue={values.reference}
            aria-describedby={errors.reference ? "reference-error" : undefined}
          />
        </div>
        <p>or</p>
        <div className={`ds_question${errors.childName ? " ds_question--error" : ""}`}>
          <label className="ds_label" htmlFor="childName">
            Child's full name
          </label>
          {errors.childName && (
            <p className="ds_question__error-message" id="childName-error">
              {errors.childName}
            </p>
          )}
          <input
            className="ds_input"
            id="childName"
            name="childName"
            defaultValue={values.childName}
            autoComplete="off"
            aria-describedby={errors.childName ? "childName-error" : undefined}
          />
        </div>
        <div className={`ds_question${errors.dateOfBirth ? " ds_question--error" : ""}`}>
          <label className="ds_label" htmlFor="dateOfBirth">
            Date of birth
          </label>
          <p className="ds_hint-text" id="dateOfBirth-hint">
            For example, 2019-04-17
          </p>
          {errors.dateOfBirth && (
            <p className="ds_question__error-message" id="dateOfBirth-error">
              {errors.dateOfBirth}
            </p>
          )}
          <input
            className="ds_input ds_input--fixed-10"
            id="dateOfBirth"
            name="dateOfBirth"
            defaultValue={values.dateOfBirth}
            aria-describedby={`dateOfBirth-hint${errors.dateOfBirth ? " dateOfBirth-error" : ""}`}
          />
        </div>
        <button className="ds_button" type="submit">
          Find records
        </button>
      </Form>

      {result && "erased" in result && (
        <div className="ds_notification" role="status">
          <p>
            Erased {result.erased} referral{result.erased === 1 ? "" : "s"} and {result.draftsErased} draft{result.draftsErased === 1 ? "" : "s"}. The erasure
            is in the audit log.
          </p>
        </div>
      )}

      {referrals && (
        <section aria-labelledby="found">
          <h2 id="found">
            {referrals.length} referral{referrals.length === 1 ? "" : "s"} and {drafts} draft{drafts === 1 ? "" : "s"} found
          </h2>
          {(referrals.length > 0 || drafts > 0) && search && (
            <ul className="ds_link-list">
              <li>
                <Link reloadDocument to={`/coordinator/subject-access/download?${search}&format=json`}>
                  Download everything (JSON, machine-readable)
                </Link>
              </li>
              <li>
                <Link reloadDocument to={`/coordinator/subject-access/download?${search}&format=csv`}>
                  Download the referrals (CSV, for a spreadsheet)
                </Link>
              </li>
            </ul>
          )}
          {referrals.length > 0 && (
            <Form method="post">
              {Object.entries(values).map(([k, v]) => v && <input key={k} type="hidden" name={k} value={v} />)}
              <fieldset>
                <legend className="ds_label">Referrals</legend>
                {result && "field" in result && result.field === "referralId" && <p className="ds_question__error-message">{result.error}</p>}
                {referrals.map((r) => (
                  <div className="ds_checkbox ds_checkbox--small" key={r.id}>
                    <input className="ds_checkbox__input" type="checkbox" id={`r-${r.id}`} name="referralId" value={r.id} disabled={r.anonymised} />
                    <label className="ds_checkbox__label" htmlFor={`r-${r.id}`}>
                      {r.reference}: {r.childName}, {r.serviceName} ({r.state.replaceAll("_", " ")}
                      {r.sentAt ? `, sent ${new Date(r.sentAt).toLocaleDateString("en-GB")}` : ""}
                      {r.anonymised ? ", already erased" : ""})
                    </label>
                  </div>
                ))}
              </fieldset>
              <div className={`ds_question${result && "field" in result && result.field === "reason" ? " ds_question--error" : ""}`}>
                <label className="ds_label" htmlFor="reason">
                  Reason for erasing
                </label>
                {result && "field" in result && result.field === "reason" && (
                  <p className="ds_question__error-message" id="reason-error">
                    {result.error}
                  </p>
                )}
                <textarea className="ds_input" id="reason" name="reason" rows={3} />
              </div>
              <button className="ds_button ds_button--secondary" type="submit">
                Erase the chosen referrals
              </button>
            </Form>
          )}
        </section>
      )}
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Subject access – FORT" }];
