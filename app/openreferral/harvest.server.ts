// Reads another directory's Open Referral API into a local newline-delimited JSON file, so it can be
// previewed and imported like any feed file: every page of GET /services, then GET /services/{id} for
// each service (list items carry only one-to-one fields). Used by the command line only: fetching
// arbitrary addresses from the web server would let a page make FORT call internal hosts.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { FeedError } from "./feed.server";

export interface HarvestOptions {
  perPage?: number;
  concurrency?: number;
  onProgress?: (services: number) => void;
  fetchImpl?: typeof fetch;
}

/** The address of the /services endpoint from a base URL ("https://x/api" or "https://x/api/services"). */
export function servicesUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new FeedError(`${base} is not a web address.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new FeedError(`${base} is not an http(s) address.`);
  url.search = "";
  url.pathname = url.pathname.replace(/\/+$/, "");
  if (!url.pathname.endsWith("/services")) url.pathname = `${url.pathname}/services`;
  return url;
}

async function getJson(url: URL, fetchImpl: typeof fetch): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new FeedError(`Could not reach ${url} (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!response.ok) throw new FeedError(`${url} answered ${response.status} ${response.statusText}.`);
  try {
    return (await response.json()) as Record<string, unknown>;
  } catch {
    throw new FeedError(`${url} did not answer with JSON.`);
  }
}

/** Writes every service of the API at `base` to `file` (one fully nested service per line); returns how many. */
export async function harvestServices(base: string, file: string, options: HarvestOptions = {}): Promise<number> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const perPage = options.perPage ?? 100;
  const concurrency = options.concurrency ?? 4;
  const list = servicesUrl(base);
  const out = createWriteStream(file);
  let written = 0;
  try {
    for (let page = 1, totalPages = 1; page <= totalPages && page <= 10_000; page += 1) {
      const url = new URL(list);
      url.searchParams.set("page", String(page));
      url.searchParams.set("per_page", String(perPage));
      const body = await getJson(url, fetchImpl);
      if (!Array.isArray(body.contents)) throw new FeedError(`${url} is not an Open Referral page: it has no "contents" list.`);
      totalPages = typeof body.total_pages === "number" ? body.total_pages : 1;
      const ids = (body.contents as { id?: unknown }[]).map((c) => c.id).filter((id): id is string => typeof id === "string");
      for (let i = 0; i < ids.length; i += concurrency) {
        const services = await Promise.all(
          ids.slice(i, i + concurrency).map((id) => getJson(new URL(`${list.pathname}/${encodeURIComponent(id)}`, list), fetchImpl)),
        );
        for (const service of services) {
          if (!out.write(`${JSON.stringify(service)}\n`)) await once(out, "drain");
          written += 1;
        }
        options.onProgress?.(written);
      }
      if (body.contents.length === 0) break;
    }
  } finally {
    out.end();
    await once(out, "finish");
  }
  return written;
}
