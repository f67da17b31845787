import { usePageTranslation } from "~/i18n/i18n";
import { useHydrated } from "./ClientOnly";
import { useShortlist } from "~/shortlist/shortlist";

/** Add or remove a service from the browser's shortlist. Needs JavaScript, so it appears only once the page has it. */
export function ShortlistButton({ serviceId, serviceName }: { serviceId: string; serviceName: string }) {
  const hydrated = useHydrated();
  const { ids, toggle } = useShortlist();
  const { t } = usePageTranslation();
  if (!hydrated) return null;
  const saved = ids.includes(serviceId);
  return (
    <button
      type="button"
      className="ds_button ds_button--secondary ds_button--small fort-shortlist-button fort-no-print"
      aria-pressed={saved}
      onClick={() => toggle(serviceId)}
    >
      {saved ? t("common.onShortlist") : t("common.addToShortlist")}
      <span className="visually-hidden">: {serviceName}</span>
    </button>
  );
}

export function ShortlistLink() {
  const hydrated = useHydrated();
  const { ids } = useShortlist();
  const { t } = usePageTranslation();
  if (!hydrated) return null;
  return (
    <a className="fort-shortlist-link fort-no-print" href={ids.length ? `/shortlist?ids=${ids.join(",")}` : "/shortlist"}>
      {t("common.yourShortlist", { count: ids.length })}
    </a>
  );
}
