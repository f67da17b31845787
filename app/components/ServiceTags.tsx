import { SHANARRI, type ShanarriCode } from "~/directory/taxonomy";
import type { Capacity } from "~/directory/taxonomy";
import { useVocabulary } from "~/i18n/vocabulary";

export function ShanarriTags({ codes }: { codes: readonly ShanarriCode[] }) {
  const { t, shanarri } = useVocabulary();
  if (codes.length === 0) return null;
  return (
    <ul className="fort-tags" aria-label={t("common.shanarriLabel")}>
      {SHANARRI.filter((s) => codes.includes(s.code)).map((s) => (
        <li key={s.code} className={`ds_tag fort-tag--${s.code}`}>
          {shanarri(s.code)}
        </li>
      ))}
    </ul>
  );
}

const CAPACITY_TAG: Record<Capacity, string> = {
  accepting: "ds_tag--green",
  waiting_list: "ds_tag--orange",
  not_accepting: "ds_tag--red",
};

export function CapacityTag({ capacity, typicalWaitWeeks }: { capacity: Capacity; typicalWaitWeeks: number | null }) {
  const { capacity: label } = useVocabulary();
  return <strong className={`ds_tag ${CAPACITY_TAG[capacity]}`}>{label(capacity, typicalWaitWeeks)}</strong>;
}
