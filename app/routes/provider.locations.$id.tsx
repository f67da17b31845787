import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { memberOrganisations } from "~/auth/policy.server";
import { OrganisationChoice } from "~/components/OrganisationChoice";
import { refusalOf, replyErrorsOf } from "~/domain/refusal.server";
import { ErrorSummary, summariseErrors } from "~/components/forms";
import { LocationFormFields } from "~/components/LocationFormFields";
import { isUuid } from "~/directory/services.server";
import { locationFormSchema, type LocationForm } from "~/organisations/location-form";
import { getLocationForEditing, saveLocation } from "~/organisations/locations.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

const NOT_YOURS = "We could not find that location among your organisation's locations.";

// "/provider/locations/new" adds a location; any other id edits one of the organisation's own.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  if (params.id === "new") return { isNew: true, location: null, organisations: memberOrganisations(user) };
  const location = isUuid(params.id) ? await getLocationForEditing(user, params.id) : null;
  if (!location) throw new Response(NOT_YOURS, { status: 404 });
  return { isNew: false, location, organisations: [] };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "provider");
  const isNew = params.id === "new";
  if (!isNew && !(isUuid(params.id) && (await getLocationForEditing(user, params.id)))) throw new Response(NOT_YOURS, { status: 404 });
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: locationFormSchema });
  if (submission.status !== "success") return data(submission.reply(), { status: 400 });
  const organisationId = String(formData.get("organisationId") ?? "");
  if (isNew && !organisationId) return data(submission.reply({ formErrors: ["Choose the organisation this location belongs to"] }), { status: 400 });
  try {
    await saveLocation(user, isNew ? { organisationId } : { locationId: params.id! }, submission.value, clientIp(request));
  } catch (error) {
    const refusal = refusalOf(error);
    return data(submission.reply(replyErrorsOf(refusal)), { status: refusal.status === 404 ? 400 : refusal.status });
  }
  throw redirect(`/provider/services?location=saved`);
}

export default function EditLocation() {
  const { isNew, location, organisations } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<LocationForm>({
    lastResult,
    defaultValue: location ?? { city: "Dundee", accessibility: [] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: locationFormSchema }),
    shouldRevalidate: "onInput",
  });
  return (
    <div className="ds_layout ds_layout--question-page">
      <div className="ds_layout__content">
        <p>
          <Link to="/provider/services">Your services and locations</Link>
        </p>
        <h1>{isNew ? "Add a location" : `Change ${location?.name}`}</h1>
        <p>Changes to a location show on FORT straight away, on every service that runs there.</p>
        <ErrorSummary errors={summariseErrors(form, fields)} />
        <Form method="post" {...getFormProps(form)}>
          {isNew && <OrganisationChoice organisations={organisations} />}
          <LocationFormFields fields={fields} />
          <button type="submit" className="ds_button">
            Save location
          </button>
        </Form>
      </div>
    </div>
  );
}

export const meta: MetaFunction = () => [{ title: "Location – your services – FORT" }];
