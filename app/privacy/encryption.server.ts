// Brings every personal field under the current key: seals values written before encryption existed (the one-off
// migration of existing rows) and re-seals values under an earlier key after DATA_ENCRYPTION_KEY changes (rotation),
// recomputing the blind index as it goes. A job, safe to run again and on several servers; audited with counts only.
import { sql } from "drizzle-orm";
import { audit } from "../audit/audit.server";
import { getDb } from "../db.server";
import { currentKeyId, isSealedWithCurrentKey, open, seal, subjectIndex } from "./crypto.server";
import { SEALED_REFERRAL_COLUMNS, openDraftValues, sealDraftValues } from "./sealed-fields.server";

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

type Row = Record<string, string | null> & { id: string; is_self_referral: boolean };

export async function encryptPersonalData(batch = 500): Promise<{ referrals: number; messages: number; notes: number; drafts: number }> {
  const db = await getDb();
  const prefix = `enc1:${currentKeyId()}:%`;
  const counts = { referrals: 0, messages: 0, notes: 0, drafts: 0 };
  const stale = sql.join(
    SEALED_REFERRAL_COLUMNS.map((c) => sql`(${sql.identifier(c)} is not null and ${sql.identifier(c)} not like ${prefix})`),
    sql` or `,
  );
  const columns = sql.join(
    SEALED_REFERRAL_COLUMNS.map((c) => sql.identifier(c)),
    sql`, `,
  );
  for (;;) {
    const done = await db.transaction(async (tx) => {
      // Anonymised rows hold only placeholders: nothing personal left to seal.
      const rows = rowsOf<Row>(
        await tx.execute(
          sql`select id, is_self_referral, ${columns} from referrals where anonymised_at is null and (${stale}) limit ${batch} for update skip locked`,
        ),
      );
      for (const row of rows) {
        const plain = Object.fromEntries(SEALED_REFERRAL_COLUMNS.map((c) => [c, open(row[c])]));
        const sets = SEALED_REFERRAL_COLUMNS.map((c) => sql`${sql.identifier(c)} = ${seal(plain[c])}`);
        const index = row.is_self_referral ? null : subjectIndex(plain.child_name ?? "", plain.child_date_of_birth);
        await tx.execute(sql`update referrals set ${sql.join(sets, sql`, `)}, subject_index = ${index} where id = ${row.id}::uuid`);
      }
      counts.referrals += rows.length;
      return rows.length < batch;
    });
    if (done) break;
  }
  for (;;) {
    const rows = rowsOf<{ id: string; body: string }>(
      await db.execute(sql`select id, body from referral_messages where body not like ${prefix} and body <> '' limit ${batch}`),
    );
    for (const row of rows)
      await db.execute(sql`update referral_messages set body = ${seal(open(row.body))} where id = ${row.id}::uuid and body = ${row.body}`);
    counts.messages += rows.length;
    if (rows.length < batch) break;
  }
  for (;;) {
    const rows = rowsOf<{ id: number; note: string }>(
      await db.execute(sql`select id, note from referral_history where note is not null and note not like ${prefix} limit ${batch}`),
    );
    for (const row of rows) await db.execute(sql`update referral_history set note = ${seal(open(row.note))} where id = ${row.id} and note = ${row.note}`);
    counts.notes += rows.length;
    if (rows.length < batch) break;
  }
  // Drafts are few (they expire): read them all and re-seal those with any value not under the current key.
  const drafts = rowsOf<{ id: string; values: Record<string, string | string[]> }>(await db.execute(sql`select id, "values" from referral_drafts`));
  for (const d of drafts) {
    const values = typeof d.values === "string" ? (JSON.parse(d.values) as Record<string, string | string[]>) : d.values;
    if (Object.values(values).every((v) => typeof v !== "string" || v === "" || isSealedWithCurrentKey(v))) continue;
    await db.execute(sql`update referral_drafts set "values" = ${JSON.stringify(sealDraftValues(openDraftValues(values)))}::jsonb where id = ${d.id}::uuid`);
    counts.drafts++;
  }
  await audit({ actorId: null, action: "personal_data_encrypted", details: { ...counts, keyId: currentKeyId() } });
  return counts;
}
