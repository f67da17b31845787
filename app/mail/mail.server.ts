// All mail goes through the outbox: queued in the caller's transaction, delivered by a worker with retries,
// so a mail server that is down loses nothing. Without SMTP_URL, mail is written to the log instead and
// can be read at /dev/mail on a local install.
import { and, asc, desc, eq, lte } from "drizzle-orm";
import * as s from "../../db/schema";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { type Database, getDb } from "../db.server";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export async function queueMail(mail: Mail, tx?: Database) {
  const db = tx ?? (await getDb());
  await db.insert(s.mailOutbox).values({ ...mail, nextAttemptAt: clock.now() });
  scheduleDelivery();
}

type Transport = (mail: Mail) => Promise<void>;

let transportOverride: Transport | null = null;
/** For tests: replace the SMTP transport. */
export function setMailTransport(transport: Transport | null) {
  transportOverride = transport;
}

let smtp: Transport | undefined;
async function transport(): Promise<Transport> {
  if (transportOverride) return transportOverride;
  if (smtp) return smtp;
  const { SMTP_URL, MAIL_FROM } = config();
  if (!SMTP_URL) {
    smtp = async (mail) => console.log(`[mail] to ${mail.to}: ${mail.subject}\n${mail.text}\n`);
  } else {
    const nodemailer = await import("nodemailer");
    const client = nodemailer.createTransport(SMTP_URL);
    smtp = async (mail) => {
      await client.sendMail({ from: MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text });
    };
  }
  return smtp;
}

const MAX_ATTEMPTS = 8;

/** Sends what is due. Safe to run on several servers at once (rows are claimed with SKIP LOCKED). */
export async function deliverPendingMail(batch = 20): Promise<{ sent: number; failed: number }> {
  const db = await getDb();
  const send = await transport();
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < batch; i++) {
    const done = await db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(s.mailOutbox)
        .where(and(eq(s.mailOutbox.status, "pending"), lte(s.mailOutbox.nextAttemptAt, clock.now())))
        .orderBy(asc(s.mailOutbox.nextAttemptAt))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!row) return false;
      try {
        await send({ to: row.to, subject: row.subject, text: row.text });
        await tx.update(s.mailOutbox).set({ status: "sent", sentAt: clock.now(), attempts: row.attempts + 1, lastError: null }).where(eq(s.mailOutbox.id, row.id));
        sent++;
      } catch (error) {
        const attempts = row.attempts + 1;
        // Back off 1, 2, 4 … minutes; give up (and keep the row for inspection) after MAX_ATTEMPTS.
        await tx
          .update(s.mailOutbox)
          .set({
            attempts,
            status: attempts >= MAX_ATTEMPTS ? "failed" : "pending",
            lastError: error instanceof Error ? error.message : String(error),
            nextAttemptAt: new Date(clock.now().getTime() + 60_000 * 2 ** (attempts - 1)),
          })
          .where(eq(s.mailOutbox.id, row.id));
        failed++;
      }
      return true;
    });
    if (!done) break;
  }
  return { sent, failed };
}

let timer: ReturnType<typeof setTimeout> | undefined;
let workerStarted = false;

function scheduleDelivery() {
  if (!workerStarted || timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    deliverPendingMail().catch((error) => console.error("[mail] delivery failed:", error instanceof Error ? error.message : error));
  }, 50);
}

/** Runs delivery now and then every 30 seconds (for retries). Called once at start-up. */
export function startMailWorker() {
  if (workerStarted) return;
  workerStarted = true;
  scheduleDelivery();
  setInterval(scheduleDelivery, 30_000).unref();
}

/** The local mail viewer exists only where mail cannot leave the machine: no SMTP and a localhost address. */
export function mailViewerEnabled() {
  const c = config();
  return !c.SMTP_URL && ["localhost", "127.0.0.1"].includes(new URL(c.APP_URL).hostname);
}

export async function recentMail(limit = 50) {
  const db = await getDb();
  return db
    .select({ id: s.mailOutbox.id, to: s.mailOutbox.to, subject: s.mailOutbox.subject, text: s.mailOutbox.text, status: s.mailOutbox.status, createdAt: s.mailOutbox.createdAt })
    .from(s.mailOutbox)
    .orderBy(desc(s.mailOutbox.createdAt))
    .limit(limit);
}
