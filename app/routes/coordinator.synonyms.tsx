import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { deleteSynonymGroup, listSynonymGroups, saveSynonymGroup, synonymGroupSchema } from "~/directory/synonyms.server";
import { requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "coordinator");
  return { groups: await listSynonymGroups() };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "coordinator");
  const form = await readForm(request);
  const id = String(form.get("id") ?? "");
  if (id && !UUID.test(id)) return data({ errorFor: id, error: "That synonym group no longer exists. Reload the page.", done: null }, { status: 400 });
  if (form.get("intent") === "delete" && id) {
    await deleteSynonymGroup(user, id);
    return { errorFor: null, error: null, done: "Group removed." };
  }
  const parsed = synonymGroupSchema.safeParse({ terms: form.get("terms") ?? undefined });
  if (!parsed.success) return data({ errorFor: id || "new", error: parsed.error.issues[0]!.message, done: null }, { status: 400 });
  await saveSynonymGroup(user, id || null, parsed.data.terms);
  return { errorFor: null, error: null, done: id ? "Group saved." : "Group added." };
}

function TermsField({ id, value, error }: { id: string; value: string; error: string | null }) {
  const inputId = `terms-${id}`;
  return (
    <div className={`ds_question${error ? " ds_question--error" : ""}`}>
      <label className="ds_label" htmlFor={inputId}>
        {id === "new" ? "New group: words and phrases that mean the same" : "Words and phrases"}
      </label>
      {error && (
        <p className="ds_question__error-message" id={`${inputId}-error`}>
          {error}
        </p>
      )}
      <input
        className={`ds_input${error ? " ds_input--error" : ""}`}
        id={inputId}
        name="terms"
        defaultValue={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : "terms-hint"}
      />
    </div>
  );
}

export default function Synonyms() {
  const { groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Search synonyms</h1>
      <p>
        Someone searching the directory for one word or phrase of a group also finds services that use the others. Add the everyday words families and
        professionals type, for example “food bank” for a larder or “grief” for bereavement support.
      </p>
      <p className="ds_hint-text" id="terms-hint">
        Separate words and phrases with commas. Singular and plural forms and small spelling slips are already understood.
      </p>
      {result?.done && (
        <div className="ds_inset-text" role="status">
          <p className="ds_inset-text__text">{result.done}</p>
        </div>
      )}
      <Form method="post" className="fort-synonym-form">
        <TermsField id="new" value="" error={result?.errorFor === "new" ? result.error : null} />
        <button type="submit" className="ds_button" name="intent" value="save">
          Add group
        </button>
      </Form>
      <h2>Groups ({groups.length})</h2>
      <ul className="fort-synonym-groups">
        {groups.map((group) => (
          <li key={group.id}>
            <Form method="post" className="fort-synonym-form">
              <input type="hidden" name="id" value={group.id} />
              <TermsField id={group.id} value={group.terms.join(", ")} error={result?.errorFor === group.id ? result.error : null} />
              <div className="fort-synonym-form__actions">
                <button type="submit" className="ds_button ds_button--secondary ds_button--small" name="intent" value="save">
                  Save<span className="visually-hidden"> {group.terms[0]} group</span>
                </button>
                <button type="submit" className="ds_button ds_button--cancel ds_button--small" name="intent" value="delete">
                  Remove<span className="visually-hidden"> {group.terms[0]} group</span>
                </button>
              </div>
            </Form>
          </li>
        ))}
      </ul>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Search synonyms – FORT" }];
