import { SHANARRI, type ShanarriCode } from "~/directory/taxonomy";
import { formatCapacity } from "~/directory/format";
import type { Capacity } from "~/directory/taxonomy";

export function ShanarriTags({ codes }: { codes: readonly ShanarriCode[] }) {
  if (codes.length === 0) return null;
  return (
    <ul className="fort-tags" aria-label="Wellbeing indicators (SHANARRI)">
      {SHANARRI.filter((s) => codes.includes(s.code)).map((s) => (
        <li key={s.code} className={`ds_tag fort-tag--${s.code}`}>
          {s.name}
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
  return <strong className={`ds_tag ${CAPACITY_TAG[capacity]}`}>{formatCapacity(capacity, typicalWaitWeeks)}</strong>;
}
