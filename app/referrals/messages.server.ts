// Messages on a referral, each for the audience its writer chose (issue 16), and the family's atomic reply to a
// request for information (message and state change in one transaction). Split from commands.server.ts, whose
// changeState() and row lock they use.
import { eq } from "drizzle-orm";
import * as s from "../../db/schema";
import { type Actor } from "../auth/policy.server";
import { clock } from "../clock.server";
import { type Database, getDb } from "../db.server";
import { isUuid } from "../directory/services.server";

import { actorLabel, actorUserId, logChange } from "./access.server";
import { seal } from "../privacy/crypto.server";

import { ReferralConflict, ReferralNotFound, ReferralRefused } from "./errors";
import { type Audience, audienceChoices, isAudience } from "./audience";
import { announce } from "./live.server";
import { notifyOtherSide } from "./notifications.server";

import { changeState, lockReferral } from "./commands.server";

/**
 * Writes a message on a referral (in the caller's transaction, or its own) for the chosen audience (one the writer is
 * offered; a family always writes for the service). Coordinators read, they do not write. For older callers a
 * boolean means "the family too" (true) or "the professionals" (false).
 */
export async function postMessage(actor: Actor, referralId: string, body: string, audience: Audience | boolean = "professionals", tx?: Database) {
  if (!isUuid(referralId)) throw new ReferralNotFound();
  const run = async (t: Database) => {
    const { row, party } = await lockReferral(t, actor, referralId);
    if (party === "coordinator") throw new ReferralRefused("Coordinators cannot write on a referral.");
    if (row.state === "draft") throw new ReferralRefused("Send the referral before writing messages on it.");
    const wanted: Audience = audience === true ? "family" : audience === false ? "professionals" : audience;
    // The family always writes for the service (and sees its own messages); others choose from what fits.
    const chosen: Audience =
      party === "family"
        ? "family"
        : !row.isSelfReferral && wanted === "family"
          ? "professionals"
          : row.isSelfReferral && wanted === "professionals" && party === "provider"
            ? "internal"
            : wanted;
    if (!isAudience(chosen) || (party !== "family" && !audienceChoices(party, row.isSelfReferral).some((c) => c.value === chosen)))
      throw ReferralRefused.field("audience", "Choose who will see this message");
    const now = clock.now();
    await t.insert(s.referralMessages).values({
      referralId,
      authorId: actorUserId(actor),
      authorLabel: actorLabel(actor),
      party,
      body: seal(body),
      audience: chosen,
      visibleToFamily: chosen === "family",
      createdAt: now,
    });
    await logChange(actor, referralId, t);
    // A note for one's own side is not news for the other side.
    if (chosen === "internal") return;
    await t.update(s.referrals).set({ lastActivityAt: now, lastActivityParty: party }).where(eq(s.referrals.id, referralId));
    await notifyOtherSide(t, row, party, "a new message", "message");
    await announce({ referralId, organisationId: row.organisationId, referrerId: row.referrerId, teamId: row.teamId, kind: "message" }, t);
  };
  if (tx) return run(tx);
  await (await getDb()).transaction(run);
}

/**
 * A family writes on its request. When the service asked a question, the message is the answer: the message and
 * the change back to "sent" happen in one transaction, so a provider acting at the same moment gives the family a
 * clear conflict (ReferralConflict, 409) and neither half is left behind.
 */
export async function replyAsFamily(actor: Extract<Actor, { kind: "family" }>, referralId: string, body: string, expectedVersion: number) {
  if (!isUuid(referralId)) throw new ReferralNotFound();
  const db = await getDb();
  await db.transaction(async (t) => {
    const { row } = await lockReferral(t, actor, referralId);
    if (row.version !== expectedVersion) throw new ReferralConflict(row.updatedByLabel ?? "someone else", row.state);
    await postMessage(actor, referralId, body, "family", t);
    if (row.state === "info_requested") await changeState(actor, referralId, "answer_info", expectedVersion, { note: "The family replied with a message." }, t);
  });
}
