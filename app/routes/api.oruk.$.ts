// Anything else under the Open Referral API prefix: a JSON 404 rather than an HTML page.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ApiError, preflightOrRefuse, runEndpoint } from "~/openreferral/http.server";
import { requireSameOrigin } from "~/security/request.server";

export function loader({ request }: LoaderFunctionArgs) {
  return runEndpoint(request, async (url) => {
    throw new ApiError(404, `${url.pathname} is not part of FORT's Open Referral API. Start at /api/oruk.`);
  });
}

export function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  return preflightOrRefuse(request);
}
