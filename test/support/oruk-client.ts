// Calls FORT's Open Referral API route modules as Remix would, without a server.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import * as details from "~/routes/api.oruk._index";
import * as organizationById from "~/routes/api.oruk.organizations.$id";
import * as organizationList from "~/routes/api.oruk.organizations._index";
import * as salById from "~/routes/api.oruk.service_at_locations.$id";
import * as salList from "~/routes/api.oruk.service_at_locations._index";
import * as serviceById from "~/routes/api.oruk.services.$id";
import * as serviceList from "~/routes/api.oruk.services._index";
import * as taxonomyById from "~/routes/api.oruk.taxonomies.$id";
import * as taxonomyList from "~/routes/api.oruk.taxonomies._index";
import * as termById from "~/routes/api.oruk.taxonomy_terms.$id";
import * as termList from "~/routes/api.oruk.taxonomy_terms._index";
import * as notFound from "~/routes/api.oruk.$";

const ORIGIN = "http://localhost:3000";

type Handler = (args: LoaderFunctionArgs & ActionFunctionArgs) => Response | Promise<Response>;
const routes: [RegExp, { loader: Handler; action: Handler }][] = [
  [/^\/api\/oruk\/?$/, details],
  [/^\/api\/oruk\/services\/?$/, serviceList],
  [/^\/api\/oruk\/services\/(?<id>[^/]+)$/, serviceById],
  [/^\/api\/oruk\/service_at_locations\/?$/, salList],
  [/^\/api\/oruk\/service_at_locations\/(?<id>[^/]+)$/, salById],
  [/^\/api\/oruk\/organizations\/?$/, organizationList],
  [/^\/api\/oruk\/organizations\/(?<id>[^/]+)$/, organizationById],
  [/^\/api\/oruk\/taxonomies\/?$/, taxonomyList],
  [/^\/api\/oruk\/taxonomies\/(?<id>[^/]+)$/, taxonomyById],
  [/^\/api\/oruk\/taxonomy_terms\/?$/, termList],
  [/^\/api\/oruk\/taxonomy_terms\/(?<id>[^/]+)$/, termById],
  [/^\/api\/oruk\/.*$/, notFound],
];

export async function oruk(pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const request = new Request(ORIGIN + pathAndQuery, init);
  const pathname = new URL(request.url).pathname;
  for (const [pattern, module] of routes) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    const args = { request, params: { ...match.groups }, context: {} };
    const method = request.method.toUpperCase();
    return method === "GET" || method === "HEAD" ? module.loader(args) : module.action(args);
  }
  throw new Error(`No route for ${pathname}`);
}

export async function orukJson<T = any>(pathAndQuery: string): Promise<T> {
  const response = await oruk(pathAndQuery);
  if (response.status !== 200) throw new Error(`${pathAndQuery} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
