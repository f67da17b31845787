import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import leafletCss from "leaflet/dist/leaflet.css?url";
import { lazy, Suspense } from "react";
import type { ReactNode } from "react";
import { Trans } from "react-i18next";
import { ClientOnly } from "~/components/ClientOnly";
import { CapacityTag, ShanarriTags } from "~/components/ServiceTags";
import { ShortlistButton, ShortlistLink } from "~/components/ShortlistButton";
import { clock } from "~/clock.server";
import { config } from "~/config.server";
import { formatDate, formatTime } from "~/directory/format";
import { useVocabulary } from "~/i18n/vocabulary";
import { mapSettings } from "~/directory/map-settings.server";
import { openingStatusParts } from "~/directory/opening-hours";
import { getPublishedService } from "~/directory/services.server";
import { CATEGORIES } from "~/directory/taxonomy";
import { ServiceResponsiveness } from "~/reports/Responsiveness";
import { serviceResponsiveness } from "~/reports/responsiveness.server";
import type { loader as rootLoader } from "~/root";
import { mailtoHref, telHref, websiteHref } from "~/security/urls";
import { RouteErrorBoundary } from "~/components/ErrorPage";

const LocationMap = lazy(() => import("~/components/LocationMap.client"));

export const links: LinksFunction = () => [{ rel: "stylesheet", href: leafletCss }];

export async function loader({ params }: LoaderFunctionArgs) {
  const service = await getPublishedService(params.id ?? "");
  if (!service) throw new Response("We could not find that service. It may have been removed or the link may be wrong.", { status: 404 });
  return {
    service,
    responsiveness: await serviceResponsiveness(service.id),
    openNow: openingStatusParts(service.hours, clock.now()),
    map: mapSettings(),
    pageUrl: `${config().APP_URL}/services/${service.id}`,
  };
}

export default function ServicePage() {
  const { t, ageRange, category, opening } = useVocabulary();
  const { service, openNow, map, responsiveness } = useLoaderData<typeof loader>();
  const user = useRouteLoaderData<typeof rootLoader>("root")?.user;
  const canRefer = user?.role === "referrer" && service.acceptsProfessionalReferrals;
  const routes = [service.acceptsProfessionalReferrals && t("service.byProfessional"), service.acceptsSelfReferrals && t("service.selfRefer")].filter(Boolean);
  return (
    <article>
      <nav aria-label="Breadcrumb" className="ds_breadcrumbs">
        <ol className="ds_breadcrumbs__list">
          <li className="ds_breadcrumbs__item">
            <Link className="ds_breadcrumbs__link" to="/">
              {t("service.services")}
            </Link>
          </li>
        </ol>
      </nav>
      <header className="ds_page-header">
        <span className="ds_page-header__label ds_content-label">{service.organisation.name}</span>
        <h1 className="ds_page-header__title">{service.name}</h1>
      </header>
      <p className="ds_lead">{service.summary}</p>
      <p>
        <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
        {service.status === "temporarily_closed" && <strong className="ds_tag ds_tag--grey fort-status">{t("common.temporarilyClosed")}</strong>}
      </p>
      <ShanarriTags codes={service.shanarri} />
      {openNow && <p className="fort-open-now">{opening(openNow)}</p>}
      {(service.acceptsSelfReferrals || canRefer) && (
        <div className="fort-referral-actions fort-no-print">
          {service.acceptsSelfReferrals && (
            <Link to={`/services/${service.id}/self-referral`} className="ds_button">
              {t("service.askForHelp")}
            </Link>
          )}
          {canRefer && (
            <Link to={`/referrals/new?service=${service.id}`} className={`ds_button${service.acceptsSelfReferrals ? " ds_button--secondary" : ""}`}>
              Make a referral
            </Link>
          )}
        </div>
      )}
      <p className="fort-shortlist-actions">
        <ShortlistButton serviceId={service.id} serviceName={service.name} /> <ShortlistLink />
      </p>

      <h2>{t("service.offers")}</h2>
      <p>{service.description}</p>

      <h2>{t("service.forWhom")}</h2>
      <dl className="ds_summary-list">
        <SummaryRow label={t("service.ages")}>{ageRange(service.minAge, service.maxAge)}</SummaryRow>
        {service.eligibilityCriteria && <SummaryRow label={t("service.whoCanUse")}>{service.eligibilityCriteria}</SummaryRow>}
        <SummaryRow label={t("service.areas")}>{service.areas.join(", ") || t("service.notStated")}</SummaryRow>
        <SummaryRow label={t("service.kind")}>
          {CATEGORIES.filter((c) => service.categories.includes(c.code))
            .map((c) => category(c.code))
            .join(", ") || t("service.notStated")}
        </SummaryRow>
      </dl>

      <ServiceResponsiveness stats={responsiveness} />
      <h2>{t("service.howToGet")}</h2>
      <ul>
        {routes.map((r) => (
          <li key={String(r)}>{r}</li>
        ))}
      </ul>
      {service.acceptsProfessionalReferrals && !user && (
        <p className="fort-no-print">
          <Trans t={t} i18nKey="service.professionals" components={{ go: <Link to="/sign-in" /> }} />
        </p>
      )}
      <dl className="ds_summary-list">
        <SummaryRow label={t("service.capacity")}>
          <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
        </SummaryRow>
      </dl>
      <dl className="ds_summary-list">
        <SummaryRow label={t("service.cost")}>{service.isFree ? t("service.free") : (service.costDescription ?? t("service.charge"))}</SummaryRow>
        <SummaryRow label={t("service.languages")}>{service.languages.map((l) => l.name).join(", ") || t("service.english")}</SummaryRow>
      </dl>

      {service.hours.length > 0 && (
        <>
          <h2>{t("service.openingHours")}</h2>
          {openNow && <p>{opening(openNow)}.</p>}
          {service.hours.every((h) => h.locationId) && <p>{t("service.hoursDiffer")}</p>}
          <HoursTable hours={service.hours.filter((h) => !h.locationId)} caption={t("service.openingHours")} />
        </>
      )}

      <h2>{t("service.where")}</h2>
      {service.locations.map((l) => (
        <section key={l.id} aria-label={l.name}>
          <h3>{l.name}</h3>
          <address>
            {l.address1}
            <br />
            {l.city} {l.postcode}
          </address>
          {service.hours.some((h) => h.locationId === l.id) && (
            <>
              <h4>{t("service.hoursHere")}</h4>
              <HoursTable hours={service.hours.filter((h) => h.locationId === l.id)} caption={t("service.hoursAt", { place: l.name })} />
            </>
          )}
          {l.accessibility.length > 0 && (
            <>
              <h4>{t("service.accessibility")}</h4>
              <ul>
                {l.accessibility.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      ))}
      {service.locations.length > 0 && (
        <ClientOnly>
          {() => (
            <Suspense fallback={null}>
              <LocationMap locations={service.locations} tileUrl={map.tileUrl} attribution={map.attribution} />
            </Suspense>
          )}
        </ClientOnly>
      )}

      <h2>{t("service.contact")}</h2>
      <dl className="ds_summary-list">
        {service.contacts.map((c) => (
          <SummaryRow key={c.name} label={c.title ? `${c.name}, ${c.title}` : c.name}>
            {c.phone && <MaybeLink href={telHref(c.phone)}>{c.phone}</MaybeLink>}
            {c.phone && c.email && <br />}
            {c.email && <MaybeLink href={mailtoHref(c.email)}>{c.email}</MaybeLink>}
          </SummaryRow>
        ))}
        {service.organisation.website && (
          <SummaryRow label={t("service.website")}>
            <MaybeLink href={websiteHref(service.organisation.website)}>{service.organisation.website}</MaybeLink>
          </SummaryRow>
        )}
      </dl>

      <p className="ds_metadata">{t("service.lastChecked", { date: formatDate(service.lastCheckedOn) })}</p>
    </article>
  );
}

function SummaryRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="ds_summary-list__item">
      <dt className="ds_summary-list__key">{label}</dt>
      <dd className="ds_summary-list__value">{children}</dd>
    </div>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Service not found – FORT" }];
  const { service, pageUrl } = data;
  const description = service.summary || service.description.slice(0, 160);
  return [
    { title: `${service.name} – ${service.organisation.name} – FORT` },
    { name: "description", content: description },
    { tagName: "link", rel: "canonical", href: pageUrl },
    { property: "og:title", content: `${service.name} – ${service.organisation.name}` },
    { property: "og:description", content: description },
    { property: "og:type", content: "website" },
    { property: "og:url", content: pageUrl },
    { property: "og:site_name", content: "FORT" },
    { property: "og:locale", content: "en_GB" },
    { name: "twitter:card", content: "summary" },
    { name: "twitter:title", content: service.name },
    { name: "twitter:description", content: description },
  ];
};

export function ErrorBoundary() {
  return <RouteErrorBoundary titles={{ 404: "Service not found" }} back={{ to: "/", label: "Back to all services" }} />;
}

/** A link when FORT could build a safe href, plain text otherwise (issue 12: checked again at render). */
function MaybeLink({ href, children }: { href: string | undefined; children: ReactNode }) {
  return href ? <a href={href}>{children}</a> : <>{children}</>;
}

function HoursTable({ hours, caption }: { hours: { weekday: number; opensAt: string; closesAt: string; note: string | null }[]; caption: string }) {
  const { t, weekday } = useVocabulary();
  if (hours.length === 0) return null;
  return (
    <table className="ds_table">
      <caption className="visually-hidden">{caption}</caption>
      <tbody>
        {hours.map((h, i) => (
          <tr key={i}>
            <th scope="row">{weekday(h.weekday)}</th>
            <td>
              {t("service.opensTo", { opens: formatTime(h.opensAt), closes: formatTime(h.closesAt) })}
              {h.note ? ` (${h.note})` : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
