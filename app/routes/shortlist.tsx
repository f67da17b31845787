import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useHydrated } from "~/components/ClientOnly";
import { CapacityTag, ShanarriTags } from "~/components/ServiceTags";
import { config } from "~/config.server";
import { WEEKDAYS, formatAgeRange, formatTime } from "~/directory/format";
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
              Services
            </Link>
          </li>
        </ol>
      </nav>
      <header className="ds_page-header">
        <h1 className="ds_page-header__title">{isOwn || !hydrated ? "Your shortlist" : "Shortlist"}</h1>
      </header>
      {services.length === 0 ? (
        <>
          <p>There are no services on this shortlist yet.</p>
          <p>
            Choose <strong>Add to shortlist</strong> on any service in the <Link to="/">list of services</Link>. Your shortlist is kept in this browser only: no
            account is needed and nobody else can see it unless you share the link.
          </p>
        </>
      ) : (
        <>
          <p className="ds_lead">
            {services.length} service{services.length === 1 ? "" : "s"}. Print this page or share its link with a family or colleague.
          </p>
          {hydrated && (
            <div className="fort-referral-actions fort-no-print">
              <button type="button" className="ds_button" onClick={() => window.print()}>
                Print this shortlist
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
                Copy link to share
              </button>
              {!isOwn && (
                <button type="button" className="ds_button ds_button--secondary" onClick={() => shortlist.replace(ids)}>
                  Save as my shortlist
                </button>
              )}
            </div>
          )}
          <p className="fort-no-print" aria-live="polite">
            {copied ? "Link copied. " : ""}Link to this shortlist:{" "}
            <a href={shortlistHref(ids)} className="fort-share-link">
              {shareUrl}
            </a>
          </p>
          <ol className="fort-results" aria-label="Shortlisted services">
            {services.map((service) => (
              <li key={service.id} className="fort-result">
                <h2 className="ds_h3">
                  <Link to={`/services/${service.id}`}>{service.name}</Link>
                </h2>
                <p className="fort-result__org">{service.organisationName}</p>
                <p>{service.summary}</p>
                <ShanarriTags codes={service.shanarri} />
                <p className="fort-result__facts">
                  Ages: {formatAgeRange(service.minAge, service.maxAge)} ·{" "}
                  <CapacityTag capacity={service.capacity} typicalWaitWeeks={service.typicalWaitWeeks} />
                  {service.acceptsSelfReferrals && " · Families can refer themselves"}
                </p>
                <ServiceContact details={detailsOf.get(service.id)} link={`${appUrl}/services/${service.id}`} />
                {isOwn && (
                  <button type="button" className="ds_button ds_button--secondary ds_button--small fort-no-print" onClick={() => removeFromOwn(service.id)}>
                    Remove<span className="visually-hidden"> {service.name}</span> from shortlist
                  </button>
                )}
              </li>
            ))}
          </ol>
          {qrCode && (
            <figure className="fort-shortlist-qr">
              <div role="img" aria-label="QR code of the link to this shortlist" dangerouslySetInnerHTML={{ __html: qrCode }} />
              <figcaption>Scan to open this shortlist: {shareUrl}</figcaption>
            </figure>
          )}
          {services.length < ids.length && (
            <p>
              {ids.length - services.length} service{ids.length - services.length === 1 ? " is" : "s are"} no longer listed and{" "}
              {ids.length - services.length === 1 ? "has" : "have"} been left out.
            </p>
          )}
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
  return (
    <dl className="fort-shortlist-contact">
      {details?.phone && (
        <div>
          <dt>Phone</dt>
          <dd>
            <a href={`tel:${details.phone.replace(/\s+/g, "")}`}>{details.phone}</a>
          </dd>
        </div>
      )}
      {details?.email && (
        <div>
          <dt>Email</dt>
          <dd>
            <a href={`mailto:${details.email}`}>{details.email}</a>
          </dd>
        </div>
      )}
      {details && details.addresses.length > 0 && (
        <div>
          <dt>{details.addresses.length === 1 ? "Address" : "Addresses"}</dt>
          {details.addresses.map((a) => (
            <dd key={a}>{a}</dd>
          ))}
        </div>
      )}
      {details && details.hours.length > 0 && (
        <div>
          <dt>Opening hours</dt>
          {details.hours.map((h, i) => (
            <dd key={i}>
              {WEEKDAYS[h.weekday - 1]} {formatTime(h.opensAt)} to {formatTime(h.closesAt)}
              {h.note ? ` (${h.note})` : ""}
            </dd>
          ))}
        </div>
      )}
      <div>
        <dt>Details</dt>
        <dd>
          <a href={link}>{link}</a>
        </dd>
      </div>
    </dl>
  );
}

export const meta: MetaFunction = () => [
  { title: "Shortlist of family support services – FORT" },
  { name: "description", content: "A shortlist of family-support services from FORT." },
  { name: "robots", content: "noindex" },
];
