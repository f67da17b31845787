import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { CapacityTag, ShanarriTags } from "~/components/ServiceTags";
import { Pagination } from "~/components/Pagination";
import { formatAgeRange } from "~/directory/format";
import { listPublishedServices } from "~/directory/services.server";

const querySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { page } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return listPublishedServices({ page });
}

export default function ServiceDirectory() {
  const { items, total, page, pageCount } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">Find family support</h1>
      </header>
      <p className="ds_lead">Services for children, young people and families, from local charities and community groups.</p>
      <p role="status">
        {total} service{total === 1 ? "" : "s"}
        {pageCount > 1 ? `, page ${page} of ${pageCount}` : ""}
      </p>
      <ol className="fort-results" aria-label="Services">
        {items.map((service) => (
          <li key={service.id} className="fort-result">
            <h2 className="ds_h3">
              <Link to={`/services/${service.id}`}>{service.name}</Link>
            </h2>
            <p className="fort-result__org">{service.organisationName}</p>
            <p>{service.summary}</p>
            <ShanarriTags codes={service.shanarri} />
            <p className="fort-result__facts">
              Ages: {formatAgeRange(service.minAge, service.maxAge)} · <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
              {service.status === "temporarily_closed" && <strong className="ds_tag ds_tag--grey fort-status">Temporarily closed</strong>}
            </p>
          </li>
        ))}
      </ol>
      <Pagination page={page} pageCount={pageCount} hrefFor={(p) => `/?page=${p}`} />
    </>
  );
}

export const meta: MetaFunction = () => [{ title: "Find family support – FORT" }];
