import { getFormProps, useForm, type FieldMetadata } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, type ShouldRevalidateFunction, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { requireRole } from "~/auth/permissions.server";
import { CheckboxField, ErrorSummary, SelectField, TextAreaField, TextField } from "~/components/forms";
import { clock } from "~/clock.server";
import { config } from "~/config.server";
import { SHANARRI, SHANARRI_CODES } from "~/directory/taxonomy";
import { ServicePicker } from "~/components/ServicePicker";
import { DATE_HINT, parseTypedDate } from "~/dates/typed-date";
import { findPickerServices, pickerFiltersFrom } from "~/directory/service-picker.server";
import { listAreas } from "~/geo/areas.server";
import { checkServices, referableServices, suggestServices, type ServiceFit } from "~/referrals/eligibility.server";
import { CONSENT_METHODS, CONTACT_PREFERENCES, URGENCY_LABELS, needDetailField, needField, needsOf, referralSchema } from "~/referrals/forms";
import { sendReferral } from "~/referrals/commands.server";
import { getDraft, saveDraft } from "~/referrals/drafts.server";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { recordNoEligibleService } from "~/reports/unmet-demand.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";
import { isDuplicateSend, newIdempotencyKey, referralsSentWithKey } from "~/referrals/idempotency.server";
import { readUrl } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "referrer");
  const url = readUrl(request);
  const draftId = url.searchParams.get("draft");
  const draft = draftId ? await getDraft(user, draftId) : null;
  if (draftId && !draft) throw new Response("We could not find that draft. It may have been sent already.", { status: 404 });
  const services = await referableServices();
  const fromQuery = url.searchParams.getAll("service").filter((id) => services.some((s) => s.id === id));
  const defaultValue: Record<string, string | string[]> = draft ? { ...draft.values, draftId: draft.id } : { serviceIds: fromQuery, urgency: "routine" };
  // A new key for each page served: submitting this page's form twice sends one referral.
  defaultValue.idempotencyKey = newIdempotencyKey();
  // The picker starts from the directory's need and age when the referrer came from a filtered directory.
  const chosenIds = ([] as string[]).concat(defaultValue.serviceIds ?? []);
  const picker = await findPickerServices(
    pickerFiltersFrom(
      (n) => url.searchParams.get(n),
      (n) => url.searchParams.getAll(n),
    ),
    chosenIds,
  );
  const areas = listAreas().map(({ code, name }) => ({ code, name }));
  return {
    childProtectionUrl: config().CHILD_PROTECTION_URL,
    services,
    defaultValue,
    draftSavedAt: draft?.updatedAt ?? null,
    saved: url.searchParams.get("saved") === "1",
    picker,
    areas,
  };
}

function formValues(formData: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    const all = formData.getAll(key).filter((v): v is string => typeof v === "string");
    values[key] = key === "serviceIds" ? all : (all[0] ?? "");
  }
  return values;
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "referrer");
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const draftId = typeof formData.get("draftId") === "string" ? String(formData.get("draftId")) : undefined;

  if (intent === "autosave") {
    const id = await saveDraft(user, formValues(formData), draftId || undefined, { recreate: false });
    return { autosaved: id ? { draftId: id, at: clock.now().toISOString() } : null };
  }
  if (intent === "save") {
    const id = await saveDraft(user, formValues(formData), draftId || undefined);
    throw redirect(`/referrals/new?draft=${id}&saved=1`);
  }

  const submission = parseWithZod(formData, { schema: referralSchema });
  const postedServiceIds = formData.getAll("serviceIds").filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v));
  const picker = await findPickerServices(
    pickerFiltersFrom(
      (n) => formData.get(n) as string | null,
      (n) => formData.getAll(n).map(String),
    ),
    postedServiceIds,
  );
  if (intent === "find-services") {
    // Without JavaScript the picker's list is filtered here; the form comes back as it was.
    const result = { initialValue: submission.payload as Record<string, unknown>, error: {} };
    return data(
      { result: result as never as ReturnType<typeof submission.reply>, fits: [] as ServiceFit[], suggestions: [] as ServiceFit[], picker },
      { status: 200 },
    );
  }
  if (intent === "check") {
    // Checks the chosen services against what is typed so far, without sending or complaining about other fields.
    const payload = submission.payload as Record<string, unknown>;
    const serviceIds = ([] as unknown[]).concat(payload.serviceIds ?? []).filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v));
    const text = (name: string) => (typeof payload[name] === "string" ? (payload[name] as string) : undefined);
    const dob = text("childDateOfBirth");
    const child = {
      dateOfBirth: dob ? ((d) => ("iso" in d ? d.iso : undefined))(parseTypedDate(dob)) : undefined,
      postcode: text("childPostcode"),
      needCodes: SHANARRI_CODES.filter((code) => payload[`need_${code}`]),
    };
    const fits = await checkServices(serviceIds, child, clock.now());
    const suggestions = fits.some((f) => f.problems.length) ? await suggestServices(child, clock.now(), serviceIds) : [];
    const result = {
      initialValue: submission.payload as Record<string, unknown>,
      error: serviceIds.length ? {} : { serviceIds: ["Choose at least one service to check"] },
    };
    return data({ result: result as never as ReturnType<typeof submission.reply>, fits, suggestions, checked: true, picker }, { status: 200 });
  }
  if (submission.status !== "success")
    return data({ result: submission.reply(), fits: [] as ServiceFit[], suggestions: [] as ServiceFit[], picker }, { status: 400 });
  const input = submission.value;
  const child = { dateOfBirth: input.childDateOfBirth, postcode: input.childPostcode, needCodes: needsOf(input).map((n) => n.code) };
  const fits = await checkServices(input.serviceIds, child, clock.now());
  const unfit = fits.filter((f) => f.problems.length > 0);
  if (unfit.length > 0) {
    const suggestions = await suggestServices(child, clock.now(), input.serviceIds);
    if (unfit.length === fits.length && suggestions.length === 0) await recordNoEligibleService(user.id, child, clock.now());
    const message = `${unfit.map((f) => f.name).join(" and ")} ${unfit.length === 1 ? "does" : "do"} not fit this child: see the reasons below the list of services`;
    return data({ result: submission.reply({ fieldErrors: { serviceIds: [message] } }), fits, suggestions, picker }, { status: 400 });
  }
  // Sent already (a double click, a retry, the back button): show what exists instead of sending it again.
  const alreadySent = async () => (input.idempotencyKey ? await referralsSentWithKey(user.id, input.idempotencyKey) : []);
  const earlier = await alreadySent();
  if (earlier.length > 0) throw redirect(`/referrals?sent=${earlier.length}`);
  try {
    const { ids } = await sendReferral(user, input, clientIp(request));
    throw redirect(`/referrals?sent=${ids.length}`);
  } catch (error) {
    if (error instanceof Response) throw error;
    if (isDuplicateSend(error)) throw redirect(`/referrals?sent=${(await alreadySent()).length}`);
    const refusal = refusalOf(error);
    return data({ result: submission.reply(replyErrorsOf(refusal)), fits, suggestions: [] as ServiceFit[], picker }, { status: refusal.status });
  }
}

// An autosave changes nothing on the page; reloading its data would reset the fields under the referrer's fingers.
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "autosave" ? false : defaultShouldRevalidate;

export default function NewReferral() {
  const { childProtectionUrl, defaultValue, draftSavedAt, saved, picker: loadedPicker, areas } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData && "result" in actionData ? actionData.result : undefined;
  const fits = actionData && "fits" in actionData ? actionData.fits : [];
  const suggestions = actionData && "suggestions" in actionData ? actionData.suggestions : [];
  const checked = Boolean(actionData && "checked" in actionData && actionData.checked);
  const picker = actionData && "picker" in actionData ? actionData.picker : loadedPicker;
  const navigation = useNavigation();
  const [form, fields] = useForm<z.input<typeof referralSchema>>({
    lastResult,
    // Drafts hold the raw form values, which is what conform takes as defaults.
    defaultValue: defaultValue as never,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: referralSchema }),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
  });

  // Autosave: a moment after the referrer stops typing, the whole form is saved as a draft.
  const autosave = useFetcher<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [draftId, setDraftId] = useState<string>(typeof defaultValue.draftId === "string" ? defaultValue.draftId : "");
  const autosaved = autosave.data && "autosaved" in autosave.data ? autosave.data.autosaved : undefined;
  useEffect(() => {
    if (autosaved?.draftId) setDraftId(autosaved.draftId);
  }, [autosaved?.draftId]);
  const scheduleAutosave = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!formRef.current) return;
      const body = new FormData(formRef.current);
      body.set("intent", "autosave");
      autosave.submit(body, { method: "post" });
    }, 1200);
  };
  // Native listeners: they see every edit, including those React's onChange skips after conform re-renders a field.
  const schedule = useRef(scheduleAutosave);
  schedule.current = scheduleAutosave;
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const onEdit = () => schedule.current();
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);
    return () => {
      form.removeEventListener("input", onEdit);
      form.removeEventListener("change", onEdit);
      clearTimeout(timer.current);
    };
  }, []);
  const savedAt = autosaved?.at ?? (draftSavedAt ? String(draftSavedAt) : null);

  const needsError = form.allErrors["needs"]?.[0];
  const summary = [
    ...(form.errors ?? []).map((message) => ({ id: form.id, message })),
    ...Object.entries(form.allErrors)
      .filter(([name]) => name !== "" && !name.includes("["))
      .map(([name, errors]) => ({
        id: name === "needs" ? "needs-fieldset" : name === "serviceIds" ? "services-fieldset" : `${form.id}-${name}`,
        message: errors[0]!,
      })),
  ];

  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <header className="ds_page-header">
          <h1 className="ds_page-header__title">Refer a child and family</h1>
        </header>
        <div className="fort-warning" role="note">
          <h2 className="ds_h3">FORT is not for child protection</h2>
          <p>
            If you think a child is at risk of significant harm, do not use this form. Follow your{" "}
            <a href={childProtectionUrl}>local child protection procedure</a> straight away, or call the police on 999 in an emergency.
          </p>
        </div>
        {saved && (
          <div className="ds_inset-text" role="status">
            <p className="ds_inset-text__text">Your draft is saved. You can come back to it from your referrals page.</p>
          </div>
        )}
        <ErrorSummary errors={summary} />
        <Form method="post" {...getFormProps(form)} ref={formRef} onSubmitCapture={() => clearTimeout(timer.current)} noValidate>
          <input type="hidden" name="draftId" value={draftId} />
          <input type="hidden" name="idempotencyKey" value={String(defaultValue.idempotencyKey ?? "")} />
          {typeof defaultValue.followsReferralId === "string" && defaultValue.followsReferralId && (
            <>
              <input type="hidden" name="followsReferralId" value={defaultValue.followsReferralId} />
              <div className="ds_inset-text" role="note">
                <p className="ds_inset-text__text">
                  This referral copies the details of an earlier one that was declined or closed; both will show on one timeline. Check the details, then
                  confirm the family's consent again: it was given for the earlier service.
                </p>
              </div>
            </>
          )}

          <ServicePicker picker={picker} areas={areas} error={fields.serviceIds.errors?.[0]} errorId={fields.serviceIds.errorId}>
            {checked && fits.length > 0 && fits.every((f) => f.problems.length === 0) && (
              <div className="ds_inset-text fort-fit" role="status">
                <p className="ds_inset-text__text">
                  {fits.length === 1 ? "This service fits" : `All ${fits.length} services fit`} what you have entered so far.{" "}
                  {fits.flatMap((f) => f.warnings.map((w) => `${f.name}: ${w}`)).join(" ")}
                </p>
              </div>
            )}
            {fits.some((f) => f.problems.length || f.warnings.length) && (
              <div className="ds_inset-text fort-fit" aria-label="Whether the chosen services fit">
                <ul className="ds_inset-text__text">
                  {fits.map((f) => (
                    <li key={f.serviceId}>
                      <strong>{f.name}</strong>: {f.problems.length ? f.problems.join(" ") : "fits."} {f.warnings.join(" ")}
                    </li>
                  ))}
                </ul>
                {suggestions.length > 0 ? (
                  <>
                    <p>These services support the same needs and fit this child:</p>
                    <ul>
                      {suggestions.map((s) => (
                        <li key={s.serviceId}>
                          <Link to={`/services/${s.serviceId}`}>{s.name}</Link> ({s.organisationName}){s.warnings.length ? ` – ${s.warnings.join(" ")}` : ""}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p>We found no other service that supports these needs and fits this child.</p>
                )}
              </div>
            )}
          </ServicePicker>

          <h2>The child</h2>
          <TextField meta={fields.childName} label="Child's full name" autoComplete="off" />
          <TextField meta={fields.childDateOfBirth} label="Date of birth" hint={DATE_HINT} width="fixed-10" autoComplete="off" />
          <TextField meta={fields.childPostcode} label="Postcode where the child lives" width="fixed-10" autoComplete="off" />
          <TextField meta={fields.childSchool} label="School or nursery (if any)" />
          <p>
            <button type="submit" name="intent" value="check" className="ds_button ds_button--secondary ds_button--small" formNoValidate>
              Check the chosen services fit this child
            </button>
          </p>
          {checked && (
            <p role="status">
              {fits.some((f) => f.problems.length)
                ? `${fits
                    .filter((f) => f.problems.length)
                    .map((f) => f.name)
                    .join(
                      " and ",
                    )} ${fits.filter((f) => f.problems.length).length === 1 ? "does" : "do"} not fit: see the reasons and other services under "Services to send it to".`
                : fits.length
                  ? "The chosen services fit what you have entered so far."
                  : ""}
            </p>
          )}

          <h2>Parent or carer</h2>
          <TextField meta={fields.parentName} label="Parent or carer's name" autoComplete="off" />
          <TextField meta={fields.parentRelationship} label="Relationship to the child" hint="For example mother, father, grandparent, kinship carer" />
          <TextField meta={fields.parentPhone} label="Phone number" type="tel" autoComplete="off" />
          <TextField meta={fields.parentEmail} label="Email address" type="email" autoComplete="off" />
          <SelectField
            meta={fields.contactPreference}
            label="How they would like to be contacted"
            placeholder="Choose one"
            options={Object.entries(CONTACT_PREFERENCES).map(([value, label]) => ({ value, label }))}
          />
          <TextField meta={fields.contactTimes} label="Good times to contact them (optional)" hint="For example weekday mornings, not after 3pm" />

          <h2>What the family needs</h2>
          <fieldset id="needs-fieldset" className={`ds_question${needsError ? " ds_question--error" : ""}`}>
            <legend className="ds_label">Wellbeing needs (SHANARRI)</legend>
            <p className="ds_hint-text">Tick each need this referral is about and describe it in a sentence or two.</p>
            {needsError && <p className="ds_question__error-message">{needsError}</p>}
            {SHANARRI.map((need) => (
              <div key={need.code}>
                <CheckboxField meta={fields[needField(need.code)] as FieldMetadata<boolean | undefined>} label={need.name} hint={need.description} />
                <TextAreaField meta={fields[needDetailField(need.code)]} label={`Describe the ${need.name.toLowerCase()} need (if ticked)`} rows={2} />
              </div>
            ))}
          </fieldset>
          <TextAreaField meta={fields.tried} label="What has been tried already (optional)" />
          <TextAreaField meta={fields.familyWants} label="What the family would like to happen" />
          <SelectField meta={fields.urgency} label="How urgent is it" options={Object.entries(URGENCY_LABELS).map(([value, label]) => ({ value, label }))} />
          <TextField meta={fields.language} label="Family's preferred language (optional)" hint="Leave blank for English" />
          <CheckboxField meta={fields.interpreterNeeded as FieldMetadata<boolean | undefined>} label="They will need an interpreter" />
          <TextAreaField
            meta={fields.accessibilityNeeds}
            label="Accessibility needs (optional)"
            hint="For example wheelchair access, hearing loop, easy read"
            rows={2}
          />

          <h2>Consent</h2>
          <p>Nothing is sent without the family's agreement to share these details with the services chosen.</p>
          <TextField meta={fields.consentGivenBy} label="Who gave consent" hint="Name and relationship, for example Jo Brown (mother)" />
          <TextField meta={fields.consentDate} label="Date consent was given" hint={DATE_HINT} width="fixed-10" />
          <SelectField
            meta={fields.consentMethod}
            label="How consent was given"
            placeholder="Choose one"
            options={Object.entries(CONSENT_METHODS).map(([value, label]) => ({ value, label }))}
          />
          <TextAreaField meta={fields.consentLimits} label="Any limits on the consent (optional)" hint="For example not to contact the school" rows={2} />
          <TextAreaField
            meta={fields.childViews}
            label="The child's views (optional)"
            hint="Where the child is of an age and understanding to give them"
            rows={2}
          />
          <div className={`ds_question${fields.consentConfirmed.errors ? " ds_question--error" : ""}`}>
            {fields.consentConfirmed.errors && (
              <p className="ds_question__error-message" id={fields.consentConfirmed.errorId}>
                {fields.consentConfirmed.errors[0]}
              </p>
            )}
            <CheckboxField
              meta={fields.consentConfirmed as FieldMetadata<boolean | undefined>}
              label="The family agreed to this referral and to these details being shared with the services chosen"
            />
          </div>

          <div className="ds_button-group">
            <button type="submit" name="intent" value="send" className="ds_button" disabled={navigation.state === "submitting"}>
              Send referral
            </button>
            <button type="submit" name="intent" value="save" className="ds_button ds_button--secondary" formNoValidate>
              Save draft
            </button>
          </div>
          <p role="status" aria-live="polite" className="ds_hint-text" data-saved-at={savedAt ?? ""}>
            {autosave.state !== "idle"
              ? "Saving draft…"
              : savedAt
                ? `Draft saved at ${new Date(savedAt).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`
                : ""}
          </p>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Refer a child and family – FORT" }];
