import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { I18nextProvider } from "react-i18next";
import { i18nFor, usePageTranslation } from "./i18n/i18n";
import { LANGUAGES, LANGUAGE_COOKIE, type Language, chooseLanguage, cookieValue, isLanguage } from "./i18n/languages";
import designSystemCss from "@scottish-government/design-system/dist/css/design-system.min.css?url";
import appCss from "./styles/app.css?url";
import { readSession } from "./auth/session.server";
import { currentRequestId } from "./log.server";
import { LiveUpdates } from "./referrals/components";
import { unreadCount } from "./referrals/queries.server";
import { useNonce } from "./security/nonce";
import { RouteErrorBoundary } from "./components/ErrorPage";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, setCookie } = await readSession(request);
  // The public pages' language (issue 16): ?lang= (remembered in a cookie), the cookie, the browser, English.
  const param = new URL(request.url).searchParams.get("lang");
  const lang = chooseLanguage(param, cookieValue(request.headers.get("Cookie"), LANGUAGE_COOKIE), request.headers.get("Accept-Language"));
  const headers = new Headers();
  if (setCookie) headers.append("Set-Cookie", setCookie);
  if (isLanguage(param)) headers.append("Set-Cookie", `${LANGUAGE_COOKIE}=${param}; Path=/; Max-Age=31536000; SameSite=Lax`);
  const body = {
    lang,
    user: user && { name: user.name, role: user.role },
    unreadReferrals: user ? await unreadCount(user) : 0,
    // Shown on error pages so a person can quote it (see RequestIdNote).
    requestId: context.requestId ?? currentRequestId(),
  };
  return data(body, { headers });
}

/** Plain links (work without JavaScript): the same page with ?lang=, which the server remembers in a cookie. */
function LanguageSwitcher({ current }: { current: Language }) {
  const location = useLocation();
  const { t } = usePageTranslation();
  const hrefFor = (lang: Language) => {
    const params = new URLSearchParams(location.search);
    params.set("lang", lang);
    return `${location.pathname}?${params.toString()}`;
  };
  return (
    <nav aria-label={t("layout.language")} className="fort-languages">
      <ul className="fort-languages__list">
        {(Object.keys(LANGUAGES) as Language[]).map((lang) => (
          <li key={lang}>
            {lang === current ? (
              <strong lang={LANGUAGES[lang].htmlLang} dir={LANGUAGES[lang].dir} aria-current="true">
                {LANGUAGES[lang].name}
              </strong>
            ) : (
              <a href={hrefFor(lang)} lang={LANGUAGES[lang].htmlLang} hrefLang={LANGUAGES[lang].htmlLang} dir={LANGUAGES[lang].dir}>
                {LANGUAGES[lang].name}
              </a>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: designSystemCss },
  { rel: "stylesheet", href: appCss },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "FORT – family support services near you" },
  { name: "description", content: "Find family-support services near you, and refer families to them." },
];

export function Layout({ children }: { children: ReactNode }) {
  const rootData = useRouteLoaderData<typeof loader>("root");
  const user = rootData?.user;
  const nonce = useNonce();
  const lang: Language = rootData?.lang ?? "en";
  const i18n = i18nFor(lang);
  return (
    <html lang={LANGUAGES[lang].htmlLang} dir={LANGUAGES[lang].dir}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>
          <div className="ds_page">
            <div className="ds_page__top">
              <nav className="ds_skip-links" aria-label="Skip links">
                <ul className="ds_skip-links__list">
                  <li className="ds_skip-links__item">
                    <a className="ds_skip-links__link" href="#main-content">
                      {i18n.t("layout.skip")}
                    </a>
                  </li>
                </ul>
              </nav>
              <header className="ds_site-header" role="banner">
                <div className="ds_wrapper">
                  <div className="fort-header">
                    <div className="ds_site-branding">
                      <Link className="ds_site-branding__link fort-brand" to="/">
                        FORT
                      </Link>
                      <div className="ds_site-branding__title">{i18n.t("layout.siteTitle")}</div>
                    </div>
                    <div className="fort-header-actions">
                      {user ? (
                        <>
                          <ReferralsNavLink role={user.role} unread={rootData?.unreadReferrals ?? 0} />
                          <Link to="/dashboard">{user.name}</Link>
                          <Form method="post" action="/sign-out">
                            <button type="submit" className="ds_button ds_button--secondary ds_button--small">
                              Sign out
                            </button>
                          </Form>
                        </>
                      ) : (
                        <Link to="/sign-in">{i18n.t("layout.signIn")}</Link>
                      )}
                      <LanguageSwitcher current={lang} />
                    </div>
                  </div>
                </div>
              </header>
            </div>
            <div className="ds_page__middle">
              <div className="ds_wrapper">
                <main id="main-content" tabIndex={-1}>
                  {children}
                </main>
              </div>
            </div>
            <div className="ds_page__bottom">
              <footer className="ds_site-footer">
                <div className="ds_wrapper">
                  <div className="fort-footer">
                    <p>
                      FORT is for early help. If you think a child is at risk of significant harm, contact the local child protection service or the police on
                      999 straight away.
                    </p>
                    <p>
                      <Link to="/about/data">About the data and its licences</Link>
                    </p>
                    <p>
                      Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data © Royal Mail copyright and database right 2025.
                      Source: Office for National Statistics licensed under the Open Government Licence v.3.0.
                    </p>
                  </div>
                </div>
              </footer>
            </div>
          </div>
        </I18nextProvider>
        <LiveUpdates enabled={Boolean(user)} />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

const REFERRALS_HOME = { referrer: "/referrals", provider: "/provider/referrals", coordinator: "/coordinator/referrals" } as const;

function ReferralsNavLink({ role, unread }: { role: keyof typeof REFERRALS_HOME; unread: number }) {
  return (
    <Link to={REFERRALS_HOME[role]}>
      {role === "provider" ? "Referral inbox" : "Referrals"}
      {unread > 0 && (
        <>
          {" "}
          <span className="fort-badge" data-testid="unread-count">
            {unread}
          </span>
          <span className="visually-hidden"> with news you have not seen</span>
        </>
      )}
    </Link>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <RouteErrorBoundary />;
}
