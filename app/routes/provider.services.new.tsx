import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v3";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireRole } from "~/auth/permissions.server";
import { memberOrganisations, organisationFor } from "~/auth/policy.server";
import type { CurrentUser } from "~/auth/session.server";
import { refusalOf } from "~/domain/refusal.server";
import { ErrorSummary, summariseErrors } from "~/components/forms";
import { ServiceFormFields } from "~/components/ServiceFormFields";
import { createService, organisationLocations, serviceFormChoices } from "~/directory/service-editing.server";
import { emptyServiceLocation, serviceFormSchema, type ServiceForm, type ServiceFormInput } from "~/directory/service-form";
import { clientIp, requireSameOrigin } from "~/security/request.server";
import { readForm } from "~/http/form.server";

/** The organisation named by ?organisation=, or the only one the provider works for; null when they must choose. */
function chosenOrganisation(user: CurrentUser, request: Request) {
  const among = memberOrganisations(user);
  if (among.length === 0) throw new Response("You are not a member of any organisation yet. Ask a coordinator to add you.", { status: 403 });
  try {
    return { organisation: organisationFor(among, new URL(request.url).searchParams.get("organisation")), among };
  } catch (error) {
    throw new Response(refusalOf(error).message, { status: 403 });
  }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "provider");
  const { organisation, among } = chosenOrganisation(user, request);
  if (!organisation) return { choose: among, organisation: null, locations: [], ...serviceFormChoices() };
  return { choose: null, organisation, locations: (await organisationLocations(user, organisation.id)) ?? [], ...serviceFormChoices() };
}

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const user = await requireRole(request, "provider");
  const { organisation } = chosenOrganisation(user, request);
  if (!organisation) throw new Response("Choose which organisation the service belongs to.", { status: 400 });
  const submission = parseWithZod(await readForm(request), { schema: serviceFormSchema });
  // "Add another place" and "Remove" (without JavaScript) come here too: the form comes back with the list changed.
  if (submission.status !== "success") return data(submission.reply(), { status: submission.status === "error" ? 400 : 200 });
  const result = await createService(user, organisation.id, submission.value, clientIp(request));
  if (!result.ok)
    return data(submission.reply(result.field === "form" ? { formErrors: [result.message] } : { fieldErrors: { [result.field]: [result.message] } }), {
      status: 400,
    });
  throw redirect(`/provider/services/${result.serviceId}`);
}

export default function NewService() {
  const { choose, organisation, locations, areaChoices, languageChoices } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm<ServiceFormInput, ServiceForm>({
    lastResult,
    defaultValue: { status: "active", acceptsProfessionalReferrals: true, isFree: true, locations: [emptyServiceLocation()], languages: ["en"] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: serviceFormSchema }),
    shouldRevalidate: "onInput",
  });
  if (!organisation) {
    return (
      <>
        <h1>Add a service</h1>
        <p>You work for more than one organisation. Which one runs the new service?</p>
        <ul className="ds_no-bullets">
          {choose.map((o) => (
            <li key={o.id}>
              <Link to={`?organisation=${o.id}`}>{o.name}</Link>
            </li>
          ))}
        </ul>
      </>
    );
  }
  return (
    <>
      <p>
        <Link to="/provider/services">Your services</Link>
      </p>
      <h1>Add a service</h1>
      <p>For {organisation.name}. A FORT coordinator checks new services before families can see them.</p>
      <ErrorSummary errors={summariseErrors(form, fields)} />
      <Form method="post" {...getFormProps(form)}>
        <ServiceFormFields form={form} fields={fields} locations={locations} areaChoices={areaChoices} languageChoices={languageChoices} />
        <button type="submit" className="ds_button">
          Send for approval
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Add a service – FORT" }];
