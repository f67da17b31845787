import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useNavigation, useRouteLoaderData } from "@remix-run/react";
import leafletCss from "leaflet/dist/leaflet.css?url";
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ClientOnly } from "~/components/ClientOnly";
import { DirectoryFilters, type FilterErrors, type FilterValues } from "~/components/DirectoryFilters";
import { Pagination } from "~/components/Pagination";
import { CapacityTag, ShanarriTags } from "~/components/ServiceTags";
import { ShortlistButton, ShortlistLink } from "~/components/ShortlistButton";
import type { HighlightedService } from "~/components/ServiceMap.client";
import {
  type BoundingBox,
  type DirectorySearch,
  directorySearchSchema,
  effectiveSort,
  formatDistance,
  searchParamsToObject,
  SORTS,
  toSearchParams,
} from "~/directory/filters";
import { formatAgeRange } from "~/directory/format";
import { mapSettings } from "~/directory/map-settings.server";
import { cachedResultBounds } from "~/directory/map-cache.server";
import { searchServices } from "~/directory/search.server";
import { listAreas } from "~/geo/areas.server";
import { getGeocoder } from "~/geo/geocoder.server";
import { readQuery } from "~/http/query.server";

const ServiceMap = lazy(() => import("~/components/ServiceMap.client"));

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletCss }];

function formValues(raw: Record<string, string | string[]>): FilterValues {
  const one = (key: string) => {
    const v = raw[key];
    return typeof v === "string" ? v : "";
  };
  const need = raw.need;
  return {
    q: one("q"),
    near: one("near"),
    need: Array.isArray(need) ? need : need ? [need] : [],
    category: one("category"),
    age: one("age"),
    area: one("area"),
    referral: one("referral"),
    accepting: ["on", "true", "1", "yes"].includes(one("accepting")),
    sort: one("sort"),
    view: one("view") === "map" ? "map" : "list",
  };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const raw = searchParamsToObject(readQuery(request));
  const areas = listAreas().map(({ code, name }) => ({ code, name }));
  const parsed = directorySearchSchema.safeParse(raw);
  const base = { areas, map: mapSettings(), values: formValues(raw) };
  if (!parsed.success) {
    const errors: FilterErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof FilterErrors;
      errors[field] ??= issue.message;
    }
    return data({ ...base, errors, search: null, place: null, sort: "name" as const, results: null, bounds: null }, { status: 400 });
  }
  const search = parsed.data;
  const { q, need, category, age, area, referral, accepting, near } = search;
  const filters = { q, need, category, age, area, referral, accepting, near };
  const place = near ? await getGeocoder().lookup(near) : null;
  const errors: FilterErrors = {};
  if (near && !place) {
    errors.near = `We could not find “${near}”. Try a full postcode such as DD4 6QA, a postcode district such as DD4, or the name of an area such as Lochee.`;
  }
  const sort = effectiveSort(search, place !== null);
  const [results, bounds] = await Promise.all([
    searchServices({ filters, place, bbox: search.bbox, sort, page: search.page ?? 1 }),
    cachedResultBounds(filters),
  ]);
  return { ...base, errors, search, place, sort, results, bounds };
}

export default function ServiceDirectory() {
  const { values, errors, areas, map, search, place, sort, results, bounds } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [highlighted, setHighlighted] = useState<HighlightedService | null>(null);

  const filterQuery = useMemo(() => {
    if (!search) return "";
    const params = toSearchParams({ ...search, sort: undefined, page: undefined, bbox: undefined });
    return params.toString();
  }, [search]);

  // A map move settles a moment after it ends; by then the person may have followed a link (from a marker's card).
  const navigationRef = useRef(navigation);
  navigationRef.current = navigation;
  const onAreaChange = useCallback(
    (bbox: BoundingBox) => {
      if (!search) return;
      const pending = navigationRef.current.location;
      if (pending && pending.pathname !== "/") return;
      const params = toSearchParams({ ...search, sort: search.sort, page: undefined, bbox });
      navigate(`/?${params}`, { replace: true, preventScrollReset: true });
    },
    [navigate, search],
  );

  const sorts = SORTS.filter((s) => (s === "distance" ? !!place : s === "relevance" ? !!search?.q : true));
  const hrefFor = (page: number) => `/?${toSearchParams({ ...search!, page })}`;
  const everywhere = search ? `/?${toSearchParams({ ...search, bbox: undefined, page: undefined })}` : "/";
  const errorList = Object.entries(errors).filter(([, message]) => message) as [string, string][];
  const busy = navigation.state === "loading" && navigation.location.pathname === "/";

  // After a new search on a narrow screen the results start below the search form: bring them into view.
  const resultsRef = useRef<HTMLElement>(null);
  const searchedKey = `${search?.q ?? ""}|${search?.near ?? ""}`;
  const lastSearched = useRef(searchedKey);
  useEffect(() => {
    if (lastSearched.current === searchedKey) return;
    lastSearched.current = searchedKey;
    if (window.matchMedia("(max-width: 47.99em)").matches) resultsRef.current?.scrollIntoView({ block: "start" });
  }, [searchedKey]);

  const view = search?.view ?? (values.view === "map" ? "map" : "list");
  const viewHref = (v: "list" | "map") => `/?${toSearchParams({ ...(search ?? {}), view: v })}`;
  const widen = search && results && results.total === 0 ? wideningLinks(search) : [];
  // A referrer who narrowed the directory by need and age starts a referral with the service picker narrowed the same way.
  const role = useRouteLoaderData<{ user: { role: string } | null }>("root")?.user?.role;
  const referHref = `/referrals/new?${new URLSearchParams([...(search?.need ?? []).map((n) => ["need", n]), ...(search?.age !== undefined ? [["age", String(search.age)]] : [])])}`;

  return (
    <>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">Find family support</h1>
      </header>
      <p className="ds_lead fort-directory__lead">Services for children, young people and families, from local charities and community groups.</p>
      {errorList.length > 0 && (
        <div className="ds_error-summary" aria-labelledby="error-summary-title" role="alert">
          <h2 className="ds_error-summary__title" id="error-summary-title">
            There is a problem with your search
          </h2>
          <ul className="ds_error-summary__list">
            {errorList.map(([field, message]) => (
              <li key={field}>
                <a href={`#${field === "need" ? "need-safe" : field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="fort-directory" data-view={view}>
        <DirectoryFilters values={values} errors={errors} areas={areas} sorts={sorts} />

        <nav className="fort-directory__views" aria-label="Show services as">
          <ul>
            {(["list", "map"] as const).map((v) => (
              <li key={v}>
                <Link to={viewHref(v)} replace preventScrollReset aria-current={view === v ? "page" : undefined} className="fort-directory__view-link">
                  {v === "list" ? "List" : "Map"}
                </Link>
              </li>
            ))}
          </ul>
        </nav>

        <section
          className="ds_search-results fort-directory__list"
          id="results"
          aria-labelledby="results-heading"
          aria-busy={busy}
          tabIndex={-1}
          ref={resultsRef}
        >
          <div className="fort-directory__list-header">
            <h2 id="results-heading" className="ds_h3">
              Services
            </h2>
            <ShortlistLink />
            {role === "referrer" && <Link to={referHref}>Start a referral{search?.need.length || search?.age !== undefined ? " with these filters" : ""}</Link>}
          </div>
          {results && search ? (
            <>
              <p role="status" className="ds_search-results__title">
                {results.totalIsLowerBound ? `More than ${results.total.toLocaleString("en-GB")}` : results.total} service
                {results.total === 1 && !results.totalIsLowerBound ? "" : "s"}
                {search.q ? (
                  <>
                    {" "}
                    for <span className="ds_search-results__title-query">{search.q}</span>
                  </>
                ) : null}
                {place ? ` near ${place.label}` : ""}
                {results.pageCount > 1 ? `, page ${results.page} of ${results.pageCount}` : ""}
              </p>
              {results.corrections.length > 0 && (
                <p className="fort-directory__corrected">
                  Also showing results for{" "}
                  {results.corrections.map((c, i) => (
                    <span key={c.typed}>
                      {i > 0 ? ", " : ""}
                      <strong>{c.meant}</strong> (you typed “{c.typed}”)
                    </span>
                  ))}
                  .
                </p>
              )}
              {search.bbox && (
                <p className="fort-area-notice">
                  Showing services in the area on the map. <Link to={everywhere}>Show services in all areas</Link>
                </p>
              )}
              {results.total === 0 && (
                <div className="fort-no-results">
                  {results.didYouMean && (
                    <p className="ds_search-results__suggestions">
                      Did you mean <Link to={`/?${toSearchParams({ ...search, q: results.didYouMean, page: undefined })}`}>{results.didYouMean}</Link>?
                    </p>
                  )}
                  <p>No services match your search.</p>
                  {widen.length > 0 && (
                    <>
                      <p>You could widen it:</p>
                      <ul>
                        {widen.map((w) => (
                          <li key={w.href}>
                            <Link to={w.href}>{w.label}</Link>
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                  <p>
                    Or check the spelling, or <Link to="/">see every service</Link>.
                  </p>
                </div>
              )}
              {results.items.length > 0 && (
                <ol className="ds_search-results__list" aria-label="Services">
                  {results.items.map((service) => (
                    <li
                      key={service.id}
                      className={`ds_search-result${highlighted?.id === service.id ? " fort-result--highlighted" : ""}`}
                      onMouseEnter={() => setHighlighted({ id: service.id, points: service.points })}
                      onMouseLeave={() => setHighlighted(null)}
                      onFocus={() => setHighlighted({ id: service.id, points: service.points })}
                      onBlur={() => setHighlighted(null)}
                      data-service-id={service.id}
                    >
                      <h3 className="ds_search-result__title">
                        <Link className="ds_search-result__link" to={`/services/${service.id}`}>
                          {service.name}
                        </Link>
                      </h3>
                      <p className="ds_search-result__sub-title fort-result__org">{service.organisationName}</p>
                      {service.distanceMetres !== null && (
                        <p className="fort-result__distance">
                          <strong>{formatDistance(service.distanceMetres)}</strong> away
                        </p>
                      )}
                      <p className="ds_search-result__summary">{service.summary}</p>
                      <ShanarriTags codes={service.shanarri} />
                      <p className="ds_search-result__metadata">
                        Ages: {formatAgeRange(service.minAge, service.maxAge)} ·{" "}
                        <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
                        {service.acceptsSelfReferrals && <span className="fort-result__self"> · Families can refer themselves</span>}
                        {service.status === "temporarily_closed" && <strong className="ds_tag ds_tag--grey fort-status">Temporarily closed</strong>}
                      </p>
                      <ShortlistButton serviceId={service.id} serviceName={service.name} />
                    </li>
                  ))}
                </ol>
              )}
              <Pagination page={results.page} pageCount={results.pageCount} hrefFor={hrefFor} />
              <p className="fort-sort-note">Sorted by {sortDescription(sort)}.</p>
            </>
          ) : (
            <p>Correct the search above to see services.</p>
          )}
        </section>
        <div className="fort-directory__map">
          <ClientOnly fallback={<MapPlaceholder />}>
            {() => (
              <Suspense fallback={<MapPlaceholder />}>
                <ServiceMap
                  key={view}
                  tileUrl={map.tileUrl}
                  attribution={map.attribution}
                  filterQuery={filterQuery}
                  bbox={search?.bbox ?? null}
                  focus={{ bounds, centre: place, key: `${filterQuery}` }}
                  highlighted={highlighted}
                  onAreaChange={onAreaChange}
                />
              </Suspense>
            )}
          </ClientOnly>
        </div>
      </div>
    </>
  );
}

/** Ways to widen a search that found nothing: drop one filter at a time, or the map area. */
function wideningLinks(search: DirectorySearch): { href: string; label: string }[] {
  const base = { ...search, page: undefined };
  const links: { href: string; label: string }[] = [];
  const add = (label: string, changed: Partial<DirectorySearch>) => links.push({ href: `/?${toSearchParams({ ...base, ...changed })}`, label });
  if (search.bbox) add("Search all areas, not just the map", { bbox: undefined });
  if (search.near) add(`Search everywhere, not just near ${search.near}`, { near: undefined });
  if (search.need.length > 0) add("Remove the wellbeing needs", { need: [] });
  if (search.category) add("Any kind of support", { category: undefined });
  if (search.age !== undefined) add(`Any age, not just ${search.age}`, { age: undefined });
  if (search.area) add("Any area served", { area: undefined });
  if (search.referral) add("Any way of getting support", { referral: undefined });
  if (search.accepting) add("Include services not accepting referrals", { accepting: false });
  if (search.q && links.length > 0)
    add(`Only the words “${search.q}”, no filters`, {
      need: [],
      category: undefined,
      age: undefined,
      area: undefined,
      referral: undefined,
      accepting: false,
      bbox: undefined,
    });
  if (search.q) add(`Every service matching the filters, whatever the words`, { q: undefined });
  return links;
}

function sortDescription(sort: string) {
  return (
    { distance: "distance, nearest first", relevance: "best match", name: "name", "recently-checked": "when last checked, most recent first" }[sort] ?? sort
  );
}

function MapPlaceholder() {
  return (
    <div className="fort-map fort-map--placeholder">
      <p>The map needs JavaScript. Every service is in the list.</p>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  const place = data?.place ? ` near ${data.place.label}` : "";
  const q = data?.search?.q ? ` for “${data.search.q}”` : "";
  return [
    { title: `Find family support${q}${place} – FORT` },
    { name: "description", content: "Find family-support services near you: parenting, young carers, play, wellbeing and more." },
  ];
};
