import { usePageTranslation } from "~/i18n/i18n";
import type { Responsiveness } from "./responsiveness.server";

/**
 * "Usually responds within N working days" and the share accepted, on a service's (public) page, in the page's
 * language; nothing until there is enough data.
 */
export function ServiceResponsiveness({ stats }: { stats: Responsiveness | null }) {
  const { t } = usePageTranslation();
  if (!stats) return null;
  const days = stats.usualResponseWorkingDays;
  return (
    <section aria-labelledby="responsiveness-heading">
      <h2 id="responsiveness-heading">{t("service.responds.heading")}</h2>
      <ul>
        {days !== null && <li>{days === 0 ? t("service.responds.sameDay") : t("service.responds.within", { count: days })}</li>}
        {stats.acceptedShare !== null && <li>{t("service.responds.accepts", { percent: Math.round(stats.acceptedShare * 100) })}</li>}
      </ul>
      <p className="ds_hint-text">{t("service.responds.basis")}</p>
    </section>
  );
}
