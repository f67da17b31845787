import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { formatDate } from "~/directory/format";
import { confirmByToken, reminderForToken } from "~/directory/freshness.server";
import { LINK_REQUESTS_PER_IP, checkRate, recordFailure, retryMessage } from "~/security/rate-limit.server";
import { clientIp, requireSameOrigin } from "~/security/request.server";

const DEAD_LINK = "This confirmation link is not valid. Sign in to FORT to check your service instead.";

// Mail scanners open links, so the GET only shows the question; confirming is the button's POST.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const ip = clientIp(request);
  const rate = await checkRate(`confirm:ip:${ip}`, LINK_REQUESTS_PER_IP);
  if (!rate.allowed) throw new Response(retryMessage(rate.retryAfterSeconds), { status: 429 });
  const reminder = await reminderForToken(params.token ?? "");
  if (!reminder) {
    await recordFailure(`confirm:ip:${ip}`);
    throw new Response(DEAD_LINK, { status: 404 });
  }
  return { name: reminder.name, serviceId: reminder.serviceId, lastCheckedOn: reminder.lastCheckedOn, alreadyConfirmed: reminder.alreadyConfirmed };
}

export async function action({ request, params }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const result = await confirmByToken(params.token ?? "");
  if (!result.ok) return data({ confirmed: false }, { status: 404 });
  return { confirmed: true };
}

export default function ConfirmService() {
  const { name, serviceId, lastCheckedOn, alreadyConfirmed } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (actionData?.confirmed || alreadyConfirmed) {
    return (
      <>
        <h1>Thank you</h1>
        <p role="status">{name} is confirmed as up to date. Families will see it was checked today.</p>
        <p>
          <Link to={`/services/${serviceId}`}>See how it looks on FORT</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>Is {name} still right?</h1>
      <p>It was last checked on {formatDate(lastCheckedOn)}.</p>
      <p>
        <Link to={`/services/${serviceId}`}>Look at its page on FORT</Link>. If anything has changed,{" "}
        <Link to={`/provider/services/${serviceId}`}>sign in and update it</Link> instead.
      </p>
      <Form method="post">
        <button type="submit" className="ds_button">
          Yes, everything is still right
        </button>
      </Form>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Confirm a service is up to date – FORT" }];
