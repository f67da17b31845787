import { Link } from "@remix-run/react";
import { usePageTranslation } from "~/i18n/i18n";

/** Numbered pages as plain links, so paging works without JavaScript. */
export function Pagination({ page, pageCount, hrefFor }: { page: number; pageCount: number; hrefFor: (page: number) => string }) {
  const { t } = usePageTranslation();
  if (pageCount <= 1) return null;
  const pages = Array.from({ length: pageCount }, (_, i) => i + 1).filter((p) => p === 1 || p === pageCount || Math.abs(p - page) <= 2);
  return (
    <nav className="ds_pagination" aria-label={t("common.pages")}>
      <ul className="ds_pagination__list">
        {page > 1 && (
          <li className="ds_pagination__item">
            <Link className="ds_pagination__link" to={hrefFor(page - 1)} rel="prev">
              <span className="ds_pagination__link-label">{t("common.previous")}</span>
            </Link>
          </li>
        )}
        {pages.map((p, i) => (
          <li className="ds_pagination__item" key={p}>
            {i > 0 && pages[i - 1] !== p - 1 && <span className="ds_pagination__link ds_pagination__link--ellipsis">&hellip;</span>}
            <Link
              className={`ds_pagination__link${p === page ? " ds_current" : ""}`}
              to={hrefFor(p)}
              aria-current={p === page ? "page" : undefined}
              aria-label={t("common.page", { page: p })}
            >
              <span className="ds_pagination__link-label">{p}</span>
            </Link>
          </li>
        ))}
        {page < pageCount && (
          <li className="ds_pagination__item">
            <Link className="ds_pagination__link" to={hrefFor(page + 1)} rel="next">
              <span className="ds_pagination__link-label">{t("common.next")}</span>
            </Link>
          </li>
        )}
      </ul>
    </nav>
  );
}
