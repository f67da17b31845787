import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Trans } from "react-i18next";
import { useHydrated } from "~/components/ClientOnly";
import { CapacityTag, ShanarriTags } from "~/components/ServiceTags";
import { config } from "~/config.server";
import { formatTime } from "~/directory/format";
import { i18nFor } from "~/i18n/i18n";
import type { Language } from "~/i18n/languages";
import { useVocabulary } from "~/i18n/vocabulary";
import { qrCodeSvg, shortlistDetails } from "~/shortlist/shortlist.server";
import { servicesByIds } from "~/directory/search.server";
import { parseShortlistIds, shortlistHref, useShortlist } from "~/shortlist/shortlist";
import { readQuery } from "~/http/query.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const ids = parseShortlistIds(readQuery(request).get("ids"));
  const [services, details] = await Promise.all([servicesByIds(ids), shortlistDetails(ids)]);
  const appUrl = config().APP_URL;
  const qrCode = ids.length > 0 ? await qrCodeSvg(`${appUrl}${shortlistHref(ids)}`) : null;
  return { ids, services, details, appUrl, qrCode };
}

export default function Shortlist() {
  const { ids, services, details, appUrl, qrCode } = useLoaderData<typeof loader>();
  const detailsOf = new Map(details.map((d) => [d.id, d]));
  const hydrated = useHydrated();
  const navigate = useNavigate();
  const shortlist = useShortlist();
  const [copied, setCopied] = useState(false);
  const { t, ageRange } = useVocabulary();
  const saved = shortlist.ids;
  const savedKey = saved.join(",");
  const shownKey = ids.join(",");
  // This browser's shortlist is the source of truth for /shortlist with no ids; a shared link is shown as sent.
  const isOwn = hydrated && savedKey === shownKey;

  useEffect(() => {
    if (hydrated && ids.length === 0 && saved.length > 0) navigate(shortlistHref(saved), { replace: true });
  }, [hydrated, ids.length, saved, navigate]);

  const shareUrl = `${appUrl}${shortlistHref(ids)}`;
  const removeFromOwn = (id: string) => {
    shortlist.remove(id);
    navigate(shortlistHref(saved.filter((x) => x !== id)), { replace: true, preventScrollReset: true });
  };

  return (
    <>
      <nav aria-label="Breadcrumb" className="ds_breadcrumbs">
        <ol className="ds_breadcrumbs__list">
          <li className="ds_breadcrumbs__item">
            <Link className="ds_breadcrumbs__link" to="/">
              {t("shortlist.breadcrumb")}
            </Link>
          </li>
        </ol>
      </nav>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">{isOwn || !hydrated ? t("shortlist.yours") : t("shortlist.shared")}</h1>
      </header>
      {services.length === 0 ? (
        <>
          <p>{t("shortlist.empty")}</p>
          <p>
            <Trans t={t} i18nKey="shortlist.howTo" components={{ strong: <strong />, go: <Link to="/" /> }} />
          </p>
        </>
      ) : (
        <>
          <p className="ds_lead">{t("shortlist.count", { count: services.length })}</p>
          {hydrated && (
            <div className="fort-referral-actions fort-no-print">
              <button type="button" className="ds_button" onClick={() => window.print()}>
                {t("shortlist.print")}
              </button>
              <button
                type="button"
                className="ds_button ds_button--secondary"
                onClick={() => {
                  navigator.clipboard?.writeText(shareUrl).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  );
                }}
              >
                {t("shortlist.copy")}
              </button>
              {!isOwn && (
                <button type="button" className="ds_button ds_button--secondary" onClick={() => shortlist.replace(ids)}>
                  {t("shortlist.save")}
                </button>
              )}
            </div>
          )}
          <p className="fort-no-print" aria-live="polite">
            {copied ? t("shortlist.copied") : ""}
            {t("shortlist.linkTo")}{" "}
            <a href={shortlistHref(ids)} className="fort-share-link">
              {shareUrl}
            </a>
          </p>
          <ol className="fort-results" aria-label={t("shortlist.listLabel")}>
            {services.map((service) => (
              <li key={service.id} className="fort-result">
                <h2 className="ds_h3">
                  <Link to={`/services/${service.id}`}>{service.name}</Link>
                </h2>
                <p className="fort-result__org">{service.organisationName}</p>
                <p>{service.summary}</p>
                <ShanarriTags codes={service.shanarri} />
                <p className="fort-result__facts">
                  {t("common.ages.label", { ages: ageRange(service.minAge, service.maxAge) })} ·{" "}
                  <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
                  {service.acceptsSelfReferrals && ` · ${t("common.selfRefer")}`}
                </p>
                <ServiceContact details={detailsOf.get(service.id)} link={`${appUrl}/services/${service.id}`} />
                {isOwn && (
                  <button type="button" className="ds_button ds_button--secondary ds_button--small fort-no-print" onClick={() => removeFromOwn(service.id)}>
                    <Trans t={t} i18nKey="shortlist.remove" values={{ service: service.name }} components={{ hidden: <span className="visually-hidden" /> }} />
                  </button>
                )}
              </li>
            ))}
          </ol>
          {qrCode && (
            <figure className="fort-shortlist-qr">
              <div role="img" aria-label={t("shortlist.qr")} dangerouslySetInnerHTML={{ __html: qrCode }} />
              <figcaption>{t("shortlist.scan", { url: shareUrl })}</figcaption>
            </figure>
          )}
          {services.length < ids.length && <p>{t("shortlist.gone", { count: ids.length - services.length })}</p>}
        </>
      )}
    </>
  );
}

function ServiceContact({
  details,
  link,
}: {
  details?: {
    phone: string | null;
    email: string | null;
    addresses: string[];
    hours: { weekday: number; opensAt: string; closesAt: string; note: string | null }[];
  };
  link: string;
}) {
  const { t, weekday } = useVocabulary();
  return (
    <dl className="fort-shortlist-contact">
      {details?.phone && (
        <div>
          <dt>{t("shortlist.phone")}</dt>
          <dd>
            <a href={`tel:${details.phone.replace(/\s+/g, "")}`}>{details.phone}</a>
          </dd>
        </div>
      )}
      {details?.email && (
        <div>
          <dt>{t("shortlist.email")}</dt>
          <dd>
            <a href={`mailto:${details.email}`}>{details.email}</a>
          </dd>
        </div>
      )}
      {details && details.addresses.length > 0 && (
        <div>
          <dt>{details.addresses.length === 1 ? t("shortlist.address") : t("shortlist.addresses")}</dt>
          {details.addresses.map((a) => (
            <dd key={a}>{a}</dd>
          ))}
        </div>
      )}
      {details && details.hours.length > 0 && (
        <div>
          <dt>{t("shortlist.openingHours")}</dt>
          {details.hours.map((h, i) => (
            <dd key={i}>
              {t("common.hours", { day: weekday(h.weekday), opens: formatTime(h.opensAt), closes: formatTime(h.closesAt) })}
              {h.note ? ` (${h.note})` : ""}
            </dd>
          ))}
        </div>
      )}
      <div>
        <dt>{t("shortlist.details")}</dt>
        <dd>
          <a href={link}>{link}</a>
        </dd>
      </div>
    </dl>
  );
}

export const meta: MetaFunction = ({ matches }) => [
  { title: i18nFor((matches.find((m) => m.id === "root")?.data as { lang?: Language } | undefined)?.lang ?? "en").t("shortlist.metaTitle") },
  { name: "description", content: "A shortlist of family-support services from FORT." },
  { name: "robots", content: "noindex" },
];
