// The directory's shared words (needs, kinds of support, capacity, ages, weekdays) in the page's language, for the
// public pages (issue 16). The English in app/directory/taxonomy.ts and format.ts stays the source for professionals'
// pages, exports and emails; these fall back to it for any word a translation lacks.
import { usePageTranslation } from "~/i18n/i18n";
import type { OpeningStatusParts } from "~/directory/opening-hours";
import { LANGUAGES, isLanguage } from "./languages";
import { CAPACITY_LABELS, CATEGORIES, SHANARRI, type Capacity } from "~/directory/taxonomy";
import { WEEKDAYS } from "~/directory/format";

/** A weekday's name (ISO 1 = Monday) in a language, from the platform's own data. */
function weekdayName(htmlLang: string, weekday: number) {
  return new Intl.DateTimeFormat(htmlLang, { weekday: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, weekday)));
}

export function useVocabulary() {
  const { t, i18n } = usePageTranslation();
  const htmlLang = isLanguage(i18n.language) ? LANGUAGES[i18n.language].htmlLang : "en-GB";
  return {
    t,
    /** "Open now, until 17:00" / "Closed now. Opens Monday 9:00", in the page's language. */
    opening: (status: OpeningStatusParts) =>
      status.open
        ? t("service.openUntil", { time: status.time })
        : t("service.opensNext", { day: status.weekday === null ? t("service.today") : weekdayName(htmlLang, status.weekday), time: status.time }),
    shanarri: (code: string) => t(`common.shanarri.${code}`, { defaultValue: SHANARRI.find((s) => s.code === code)?.name ?? code }),
    category: (code: string) => t(`common.categories.${code}`, { defaultValue: CATEGORIES.find((c) => c.code === code)?.name ?? code }),
    capacity: (capacity: Capacity, typicalWaitWeeks: number | null) => {
      if (capacity === "waiting_list" && typicalWaitWeeks)
        return typicalWaitWeeks === 1 ? t("common.capacity.waitOne") : t("common.capacity.wait", { weeks: typicalWaitWeeks });
      return t(`common.capacity.${capacity}`, { defaultValue: CAPACITY_LABELS[capacity] });
    },
    ageRange: (minAge: number | null, maxAge: number | null) => {
      if (minAge === null && maxAge === null) return t("common.ages.all");
      if (minAge === null || minAge === 0) return maxAge === null ? t("common.ages.all") : t("common.ages.upTo", { max: maxAge });
      if (maxAge === null) return t("common.ages.over", { min: minAge });
      return t("common.ages.range", { min: minAge, max: maxAge });
    },
    /** 1 = Monday … 7 = Sunday, as in opening hours. */
    weekday: (weekday: number) => t(`common.weekdays.${weekday}`, { defaultValue: WEEKDAYS[weekday - 1] ?? "" }),
  };
}
