// Live updates for open inboxes and referral pages. A change announces itself with NOTIFY inside its own
// transaction, so the announcement goes out only if the change commits, and reaches every app server that
// LISTENs (PostgreSQL) or this process (PGlite, which has its own listen/notify). See docs/decisions/0011.
import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import { type Database, databaseHandle } from "../db.server";

export const REFERRAL_CHANNEL = "fort_referrals";

/** Only ids: who may see the event is decided per subscriber, and nothing personal crosses the wire. */
export interface ReferralEvent {
  referralId: string;
  organisationId: string;
  referrerId: string | null;
  teamId: string | null;
  kind: "state" | "message";
}

export async function announce(event: ReferralEvent, tx: Database) {
  await tx.execute(sql`select pg_notify(${REFERRAL_CHANNEL}, ${JSON.stringify(event)})`);
}

/** Several announcements in one statement (a group sent at once). */
export async function announceAll(events: ReferralEvent[], tx: Database) {
  if (events.length === 0) return;
  await tx.execute(
    sql`select ${sql.join(
      events.map((e) => sql`pg_notify(${REFERRAL_CHANNEL}, ${JSON.stringify(e)})`),
      sql`, `,
    )}`,
  );
}

const globalForLive = globalThis as unknown as { __fortLive?: { emitter: EventEmitter; listening?: Promise<unknown> } };

function hub() {
  if (!globalForLive.__fortLive) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    globalForLive.__fortLive = { emitter };
  }
  return globalForLive.__fortLive;
}

/** Calls `listener` for every referral change committed anywhere; returns the unsubscribe function. */
export async function subscribe(listener: (event: ReferralEvent) => void): Promise<() => void> {
  const h = hub();
  h.listening ??= databaseHandle()
    .then((handle) =>
      handle.listen(REFERRAL_CHANNEL, (payload) => {
        try {
          h.emitter.emit("event", JSON.parse(payload) as ReferralEvent);
        } catch {
          // A malformed payload is not ours; ignore it.
        }
      }),
    )
    .catch((error) => {
      h.listening = undefined;
      throw error;
    });
  await h.listening;
  h.emitter.on("event", listener);
  return () => h.emitter.off("event", listener);
}
