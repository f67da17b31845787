// One import's running state and its report: counts, the first items, warnings (docs/decisions/0007).
import type { Json } from "./map";
import { IdAllocator, type FortTerm, type OrganisationDraft, type ServiceDraft } from "./records.server";
import type { FeedFormat } from "./feed.server";
import type { ImportProgress } from "./import.server";

export type ImportAction = "create" | "update" | "unchanged" | "skip";
export type Entity = "service" | "organisation" | "location";

export interface ImportItem {
  entity: Entity | "record";
  position: string;
  id?: string;
  name?: string;
  action: ImportAction;
  reasons: string[];
}

type Counts = Record<ImportAction, number>;

export interface ImportReport {
  format: FeedFormat | null;
  source: string;
  applied: boolean;
  /** Records read from the file. */
  records: number;
  counts: Record<Entity, Counts> & { invalid: number };
  /** The first MAX_ITEMS items; the rest are only counted. */
  items: ImportItem[];
  itemsLeftOut: number;
  warnings: string[];
  /** Why nothing in the file can be imported, when that is so. */
  refusal: string | null;
  seconds: number;
}

export const MAX_ITEMS = 2000;

export interface ImportOptions {
  /** Recorded on each imported service as its provenance: the feed URL or file name. */
  source: string;
  /** False for a preview: everything is worked out, nothing is written. */
  apply: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

const zeroCounts = (): Counts => ({ create: 0, update: 0, unchanged: 0, skip: 0 });

export class Run {
  readonly report: ImportReport;
  readonly ids = new IdAllocator();
  readonly unmappedTerms = new Set<string>();
  readonly seenServices = new Set<string>();
  /** Organisations already decided in this import: feed id → FORT id. */
  readonly organisations = new Map<string, string>();
  readonly organisationNames = new Map<string, string>();
  readonly locations = new Set<string>();
  batch: { draft: ServiceDraft | null; organisation: OrganisationDraft | null; position: string }[] = [];
  fortTerms: (FortTerm & { localId: string })[] = [];
  notServiceData = 0;
  /** The batch being written while the next is read (at most one). */
  pendingWrite: Promise<void> = Promise.resolve();
  /** Services written so far. */
  written = 0;

  constructor(readonly options: ImportOptions) {
    this.report = {
      format: null,
      source: options.source,
      applied: false,
      records: 0,
      counts: { service: zeroCounts(), organisation: zeroCounts(), location: zeroCounts(), invalid: 0 },
      items: [],
      itemsLeftOut: 0,
      warnings: [],
      refusal: null,
      seconds: 0,
    };
  }

  item(item: ImportItem) {
    if (item.entity !== "record") this.report.counts[item.entity][item.action] += 1;
    if (this.report.items.length < MAX_ITEMS) this.report.items.push(item);
    else this.report.itemsLeftOut += 1;
  }

  warn(message: string) {
    if (this.report.warnings.length < 50) this.report.warnings.push(message);
  }

  invalid(position: string, kind: string, record: Json, reasons: string[]) {
    this.report.counts.invalid += 1;
    this.item({
      entity: kind === "organization" ? "organisation" : kind === "service" ? "service" : "record",
      position,
      id: typeof record.id === "string" ? record.id : undefined,
      name: typeof record.name === "string" ? record.name : undefined,
      action: "skip",
      reasons: reasons.slice(0, 8),
    });
  }
}
