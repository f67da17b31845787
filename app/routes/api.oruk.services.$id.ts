// Open Referral UK 3.0 API: GET /services/{id} (docs/decisions/0007-open-referral-api-and-import.md).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as oruk from "~/openreferral/api.server";
import { preflightOrRefuse, runEndpoint } from "~/openreferral/http.server";
import { requireSameOrigin } from "~/security/request.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return runEndpoint(request, () => oruk.service(params.id));
}

export function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  return preflightOrRefuse(request);
}
