import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { ErrorSummary, SelectField, TextField, summariseErrors } from "~/components/forms";
import { Notice } from "~/components/Notice";
import { ServiceFormFields } from "~/components/ServiceFormFields";
import { formatDate } from "~/directory/format";
import { confirmServiceChecked } from "~/directory/freshness.server";
import { canEditService, getServiceForEditing, proposeServiceChange, updateCapacity } from "~/directory/service-editing.server";
import { capacityFormSchema, serviceFormSchema, type ServiceForm, type ServiceFormInput } from "~/directory/service-form";
import { isUuid } from "~/directory/services.server";
import { CAPACITY_LABELS } from "~/directory/taxonomy";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

const NOT_YOURS = "We could not find that service among your organisation's services.";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  const editing = isUuid(params.id) ? await getServiceForEditing(user, params.id) : null;
  if (!editing) throw new Response(NOT_YOURS, { status: 404 });
  return editing;
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "provider");
  if (!isUuid(params.id) || !(await canEditService(user, params.id))) throw new Response(NOT_YOURS, { status: 404 });
  const formData = await readForm(request);
  if (formData.get("intent") === "confirm") {
    await confirmServiceChecked(user, params.id);
    return { capacity: undefined, details: undefined, notice: { ok: true, message: "Thank you. The service shows as checked today." } };
  }
  if (formData.get("intent") === "capacity") {
    const submission = parseWithZod(formData, { schema: capacityFormSchema });
    if (submission.status !== "success") return data({ capacity: submission.reply(), details: undefined, notice: null }, { status: 400 });
    const saved = await updateCapacity(user, params.id, submission.value.capacity, submission.value.typicalWaitWeeks ?? null, clientIp(request));
    if (!saved) throw new Response(NOT_YOURS, { status: 404 });
    return { capacity: submission.reply(), details: undefined, notice: { ok: true, message: "Capacity updated. Families and professionals see it now." } };
  }
  const submission = parseWithZod(formData, { schema: serviceFormSchema });
  // "Add another place" and "Remove" (without JavaScript) come here too: the form comes back with the list changed.
  if (submission.status !== "success")
    return data({ details: submission.reply(), capacity: undefined, notice: null }, { status: submission.status === "error" ? 400 : 200 });
  const result = await proposeServiceChange(user, params.id, submission.value, clientIp(request));
  if (!result.ok) {
    if (result.field === "form") throw new Response(NOT_YOURS, { status: 404 });
    return data({ details: submission.reply({ fieldErrors: { [result.field]: [result.message] } }), capacity: undefined, notice: null }, { status: 400 });
  }
  return {
    details: submission.reply(),
    capacity: undefined,
    notice: { ok: true, message: "Thank you. A FORT coordinator will check your changes before the public sees them." },
  };
}

export default function EditService() {
  const { service, current, pending, locations, areaChoices, languageChoices, lastDecision } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [capacityForm, capacityFields] = useForm({
    id: "capacity",
    lastResult: actionData?.capacity,
    defaultValue: { capacity: service.capacity, typicalWaitWeeks: service.typicalWaitWeeks ?? undefined },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: capacityFormSchema }),
  });
  const [form, fields] = useForm<ServiceFormInput, ServiceForm>({
    id: "details",
    lastResult: actionData?.details,
    defaultValue: pending?.proposed ?? current,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: serviceFormSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <p>
        <Link to="/provider/services">Your services</Link>
      </p>
      <h1>{service.name}</h1>
      <p>
        {service.organisationName} · last checked {formatDate(service.lastCheckedOn)}
      </p>
      <Notice notice={actionData?.notice} />
      <Form method="post">
        <input type="hidden" name="intent" value="confirm" />
        <button type="submit" className="ds_button ds_button--secondary">
          Nothing has changed: mark as checked today
        </button>
      </Form>

      <section aria-labelledby="capacity-heading">
        <h2 id="capacity-heading">Capacity</h2>
        <p>Changes to capacity show on FORT straight away.</p>
        <ErrorSummary errors={summariseErrors(capacityForm, capacityFields)} />
        <Form method="post" {...getFormProps(capacityForm)}>
          <input type="hidden" name="intent" value="capacity" />
          <SelectField
            meta={capacityFields.capacity}
            label="Are you taking new referrals?"
            options={Object.entries(CAPACITY_LABELS).map(([value, label]) => ({ value, label }))}
          />
          <TextField meta={capacityFields.typicalWaitWeeks} label="Typical wait in weeks (for a waiting list)" type="number" width="fixed-10" />
          <button type="submit" className="ds_button">
            Update capacity
          </button>
        </Form>
      </section>

      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Service details</h2>
        {pending && (
          <div className="ds_inset-text">
            <p className="ds_inset-text__text">
              Changes you sent on {formatDate(new Date(pending.submittedAt).toISOString())} are waiting for a coordinator. The form shows them; sending again
              replaces them.
            </p>
          </div>
        )}
        {!pending && lastDecision?.status === "rejected" && (
          <div className="ds_inset-text" id="sent-back">
            <div className="ds_inset-text__text">
              <h3>A coordinator sent your last changes back</h3>
              {lastDecision.note && <p>Their note: {lastDecision.note}</p>}
              <p>The public still sees the service as it was. Make the changes they ask for and send them again.</p>
            </div>
          </div>
        )}
        <ErrorSummary errors={summariseErrors(form, fields)} />
        <Form method="post" {...getFormProps(form)}>
          <input type="hidden" name="intent" value="details" />
          <ServiceFormFields form={form} fields={fields} locations={locations} areaChoices={areaChoices} languageChoices={languageChoices} />
          <button type="submit" className="ds_button">
            Send changes for approval
          </button>
        </Form>
      </section>
    </>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.service.name ?? "Service"} – your services – FORT` }];
