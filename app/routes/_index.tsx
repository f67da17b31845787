import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useNavigate, useNavigation, useRouteLoaderData } from "@remix-run/react";
import type { TFunction } from "i18next";
import { Trans } from "react-i18next";
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
import { mapSettings } from "~/directory/map-settings.server";
import { cachedResultBounds } from "~/directory/map-cache.server";
import { searchServices } from "~/directory/search.server";
import { listAreas } from "~/geo/areas.server";
import { getGeocoder } from "~/geo/geocoder.server";
import { readQuery } from "~/http/query.server";
import { i18nFor, usePageTranslation } from "~/i18n/i18n";
import { type Language, requestLanguage } from "~/i18n/languages";
import { useVocabulary } from "~/i18n/vocabulary";

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
  const { t } = i18nFor(requestLanguage(request));
  const areas = listAreas().map(({ code, name }) => ({ code, name }));
  const parsed = directorySearchSchema.safeParse(raw);
  const base = { areas, map: mapSettings(), values: formValues(raw) };
  if (!parsed.success) {
    const errors: FilterErrors = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof FilterErrors;
      // The schema's messages are English; the page shows them in its language (the age has two different ones).
      const key = field === "age" ? (/whole number/.test(issue.message) ? "ageWhole" : "ageRange") : field;
      errors[field] ??= t(`filters.errors.${key}`, { defaultValue: issue.message });
    }
    return data({ ...base, errors, search: null, place: null, sort: "name" as const, results: null, bounds: null }, { status: 400 });
  }
  const search = parsed.data;
  const { q, need, category, age, area, referral, accepting, near } = search;
  const filters = { q, need, category, age, area, referral, accepting, near };
  const place = near ? await getGeocoder().lookup(near) : null;
  const errors: FilterErrors = {};
  if (near && !place) {
    errors.near = t("directory.nearNotFound", { near });
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
  const { t, ageRange } = useVocabulary();

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
  const widen = search && results && results.total === 0 ? wideningLinks(search, t) : [];
  // A referrer who narrowed the directory by need and age starts a referral with the service picker narrowed the same way.
  const role = useRouteLoaderData<{ user: { role: string } | null }>("root")?.user?.role;
  const referHref = `/referrals/new?${new URLSearchParams([...(search?.need ?? []).map((n) => ["need", n]), ...(search?.age !== undefined ? [["age", String(search.age)]] : [])])}`;

  return (
    <>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">{t("directory.title")}</h1>
      </header>
      <p className="ds_lead fort-directory__lead">{t("directory.lead")}</p>
      {errorList.length > 0 && (
        <div className="ds_error-summary" aria-labelledby="error-summary-title" role="alert">
          <h2 className="ds_error-summary__title" id="error-summary-title">
            {t("directory.problem")}
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

        <nav className="fort-directory__views" aria-label={t("directory.showAs")}>
          <ul>
            {(["list", "map"] as const).map((v) => (
              <li key={v}>
                <Link to={viewHref(v)} replace preventScrollReset aria-current={view === v ? "page" : undefined} className="fort-directory__view-link">
                  {v === "list" ? t("directory.list") : t("directory.map")}
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
              {t("directory.services")}
            </h2>
            <ShortlistLink />
            {role === "referrer" && <Link to={referHref}>Start a referral{search?.need.length || search?.age !== undefined ? " with these filters" : ""}</Link>}
          </div>
          {results && search ? (
            <>
              <p role="status" className="ds_search-results__title">
                {results.totalIsLowerBound
                  ? t("directory.moreThan", { total: results.total.toLocaleString("en-GB") })
                  : t("directory.count", { count: results.total })}
                {search.q ? (
                  <>
                    {" "}
                    {t("directory.forQuery")} <span className="ds_search-results__title-query">{search.q}</span>
                  </>
                ) : null}
                {place ? t("directory.near", { place: place.label }) : ""}
                {results.pageCount > 1 ? t("directory.pageOf", { page: results.page, pageCount: results.pageCount }) : ""}
              </p>
              {results.corrections.length > 0 && (
                <p className="fort-directory__corrected">
                  {t("directory.alsoShowing")}{" "}
                  {results.corrections.map((c, i) => (
                    <span key={c.typed}>
                      {i > 0 ? ", " : ""}
                      <strong>{c.meant}</strong> {t("directory.youTyped", { typed: c.typed })}
                    </span>
                  ))}
                  .
                </p>
              )}
              {search.bbox && (
                <p className="fort-area-notice">
                  {t("directory.areaNotice")} <Link to={everywhere}>{t("directory.allAreas")}</Link>
                </p>
              )}
              {results.total === 0 && (
                <div className="fort-no-results">
                  {results.didYouMean && (
                    <p className="ds_search-results__suggestions">
                      {t("directory.didYouMean")}{" "}
                      <Link to={`/?${toSearchParams({ ...search, q: results.didYouMean, page: undefined })}`}>{results.didYouMean}</Link>?
                    </p>
                  )}
                  <p>{t("directory.noResults")}</p>
                  {widen.length > 0 && (
                    <>
                      <p>{t("directory.widenIntro")}</p>
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
                    {t("directory.checkSpelling")} <Link to="/">{t("directory.seeEvery")}</Link>.
                  </p>
                </div>
              )}
              {results.items.length > 0 && (
                <ol className="ds_search-results__list" aria-label={t("directory.services")}>
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
                          <Trans
                            t={t}
                            i18nKey="directory.away"
                            values={{ distance: formatDistance(service.distanceMetres) }}
                            components={{ strong: <strong /> }}
                          />
                        </p>
                      )}
                      <p className="ds_search-result__summary">{service.summary}</p>
                      <ShanarriTags codes={service.shanarri} />
                      <p className="ds_search-result__metadata">
                        {t("common.ages.label", { ages: ageRange(service.minAge, service.maxAge) })} ·{" "}
                        <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
                        {service.acceptsSelfReferrals && <span className="fort-result__self"> · {t("common.selfRefer")}</span>}
                        {service.status === "temporarily_closed" && (
                          <strong className="ds_tag ds_tag--grey fort-status">{t("common.temporarilyClosed")}</strong>
                        )}
                      </p>
                      <ShortlistButton serviceId={service.id} serviceName={service.name} />
                    </li>
                  ))}
                </ol>
              )}
              <Pagination page={results.page} pageCount={results.pageCount} hrefFor={hrefFor} />
              <p className="fort-sort-note">{t("directory.sortedBy", { sort: t(`directory.sortDescription.${sort}`, { defaultValue: sort }) })}</p>
            </>
          ) : (
            <p>{t("directory.correctSearch")}</p>
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
function wideningLinks(search: DirectorySearch, t: TFunction): { href: string; label: string }[] {
  const base = { ...search, page: undefined };
  const links: { href: string; label: string }[] = [];
  const add = (label: string, changed: Partial<DirectorySearch>) => links.push({ href: `/?${toSearchParams({ ...base, ...changed })}`, label });
  if (search.bbox) add(t("directory.widen.bbox"), { bbox: undefined });
  if (search.near) add(t("directory.widen.near", { near: search.near }), { near: undefined });
  if (search.need.length > 0) add(t("directory.widen.need"), { need: [] });
  if (search.category) add(t("directory.widen.category"), { category: undefined });
  if (search.age !== undefined) add(t("directory.widen.age", { age: search.age }), { age: undefined });
  if (search.area) add(t("directory.widen.area"), { area: undefined });
  if (search.referral) add(t("directory.widen.referral"), { referral: undefined });
  if (search.accepting) add(t("directory.widen.accepting"), { accepting: false });
  if (search.q && links.length > 0)
    add(t("directory.widen.wordsOnly", { q: search.q }), {
      need: [],
      category: undefined,
      age: undefined,
      area: undefined,
      referral: undefined,
      accepting: false,
      bbox: undefined,
    });
  if (search.q) add(t("directory.widen.anyWords"), { q: undefined });
  return links;
}

function MapPlaceholder() {
  const { t } = usePageTranslation();
  return (
    <div className="fort-map fort-map--placeholder">
      <p>{t("directory.mapNeedsJs")}</p>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const lang = (matches.find((m) => m.id === "root")?.data as { lang?: Language } | undefined)?.lang ?? "en";
  const { t } = i18nFor(lang);
  const place = data?.place ? t("directory.near", { place: data.place.label }) : "";
  const q = data?.search?.q ? ` ${t("directory.forQuery")} “${data.search.q}”` : "";
  return [{ title: `${t("directory.title")}${q}${place} – FORT` }, { name: "description", content: t("directory.lead") }];
};
