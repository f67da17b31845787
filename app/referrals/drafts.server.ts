// A referrer's unsent referral forms. A draft belongs to the user who typed it and nobody else sees it.
import { and, desc, eq } from "drizzle-orm";
import * as s from "../../db/schema";
import type { CurrentUser } from "../auth/session.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { isUuid } from "../directory/services.server";
import { DRAFT_WARNING_DAYS, draftExpiresAt } from "../privacy/retention.server";
import { openDraftValues, sealDraftValues } from "../privacy/sealed-fields.server";

/**
 * Saves the form as typed. An autosave naming a draft that no longer exists (it was just sent) creates nothing,
 * so a late autosave cannot resurrect a sent referral as a draft.
 */
export async function saveDraft(
  user: CurrentUser,
  values: Record<string, string | string[]>,
  draftId?: string,
  options: { recreate?: boolean } = {},
): Promise<string | null> {
  const db = await getDb();
  // Only form values are kept; intent and the draft id itself are not part of the draft.
  const { intent: _intent, draftId: _draftId, ...kept } = values;
  if (draftId && isUuid(draftId)) {
    const [updated] = await db
      .update(s.referralDrafts)
      .set({ values: sealDraftValues(kept), updatedAt: clock.now() })
      .where(and(eq(s.referralDrafts.id, draftId), eq(s.referralDrafts.ownerId, user.id)))
      .returning({ id: s.referralDrafts.id });
    if (updated) return updated.id;
    if (options.recreate === false) return null;
  }
  const [created] = await db
    .insert(s.referralDrafts)
    .values({ ownerId: user.id, values: sealDraftValues(kept), createdAt: clock.now(), updatedAt: clock.now() })
    .returning({ id: s.referralDrafts.id });
  return created!.id;
}

export async function getDraft(user: CurrentUser, draftId: string) {
  if (!isUuid(draftId)) return null;
  const db = await getDb();
  const [draft] = await db
    .select({ id: s.referralDrafts.id, values: s.referralDrafts.values, updatedAt: s.referralDrafts.updatedAt })
    .from(s.referralDrafts)
    .where(and(eq(s.referralDrafts.id, draftId), eq(s.referralDrafts.ownerId, user.id)));
  return draft ? { ...draft, values: openDraftValues(draft.values) } : null;
}

export async function listDrafts(user: CurrentUser) {
  const db = await getDb();
  const rows = await db
    .select({ id: s.referralDrafts.id, values: s.referralDrafts.values, updatedAt: s.referralDrafts.updatedAt })
    .from(s.referralDrafts)
    .where(eq(s.referralDrafts.ownerId, user.id))
    .orderBy(desc(s.referralDrafts.updatedAt));
  const warnFrom = clock.now().getTime() + DRAFT_WARNING_DAYS * 24 * 3600 * 1000;
  return rows
    .map(({ values, ...d }) => ({ ...d, values: openDraftValues(values) }))
    .map((d) => ({
      id: d.id,
      updatedAt: d.updatedAt,
      // Abandoned drafts are deleted (issue 18); the owner is warned for the last week.
      expiresAt: draftExpiresAt(d.updatedAt),
      expiresSoon: draftExpiresAt(d.updatedAt).getTime() <= warnFrom,
      childName: typeof d.values.childName === "string" && d.values.childName ? d.values.childName : "(no name yet)",
    }));
}

export async function deleteDraft(user: CurrentUser, draftId: string, tx?: Database) {
  if (!isUuid(draftId)) return;
  const db = tx ?? (await getDb());
  await db.delete(s.referralDrafts).where(and(eq(s.referralDrafts.id, draftId), eq(s.referralDrafts.ownerId, user.id)));
}
