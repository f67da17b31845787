// All mail goes through the outbox: queued in the caller's transaction, delivered by a worker with retries,
// so a mail server that is down loses nothing. Sent by SMTP (SMTP_URL) or GOV.UK Notify (NOTIFY_EMAIL_TEMPLATE_ID);
// without either, mail is written to the log instead and can be read at /dev/mail on a local install.
import { and, asc, desc, eq, lte } from "drizzle-orm";
import * as s from "../../db/schema";
import { clock } from "../clock.server";
import { config } from "../config.server";
import { isLoopbackClient } from "../security/client-address.server";
import { type Database, getDb } from "../db.server";
import { log } from "../log.server";
import { notifyEmail } from "./notify.server";
import { smsSender } from "./sms.server";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** "sms": a text message to the phone number in `to` (the subject is for /dev/mail only). */
  channel?: "email" | "sms";
}

export async function queueMail(mail: Mail, tx?: Database) {
  const db = tx ?? (await getDb());
  await db.insert(s.mailOutbox).values({ ...mail, nextAttemptAt: clock.now() });
  scheduleDelivery();
}

/** Several mails in one multi-row insert. */
export async function queueMails(mails: Mail[], tx?: Database) {
  if (mails.length === 0) return;
  const db = tx ?? (await getDb());
  const at = clock.now();
  await db.insert(s.mailOutbox).values(mails.map((mail) => ({ ...mail, nextAttemptAt: at })));
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
  const { SMTP_URL, MAIL_FROM, NOTIFY_API_KEY, NOTIFY_EMAIL_TEMPLATE_ID, NOTIFY_BASE_URL } = config();
  if (NOTIFY_API_KEY && NOTIFY_EMAIL_TEMPLATE_ID) {
    smtp = notifyEmail({ apiKey: NOTIFY_API_KEY, templateId: NOTIFY_EMAIL_TEMPLATE_ID, baseUrl: NOTIFY_BASE_URL });
  } else if (!SMTP_URL) {
    // The log never holds a recipient or a link (reset and invitation links are secrets): only that mail
    // stayed here. On a local install it can be read at /dev/mail.
    smtp = async () =>
      void log.info(config().localInstall ? "mail not sent (no SMTP_URL): read it at /dev/mail from this machine" : "mail not sent (no SMTP_URL is set)");
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
        if (row.channel === "sms") await smsSender().send({ to: row.to, text: row.text });
        else await send({ to: row.to, subject: row.subject, text: row.text });
        await tx
          .update(s.mailOutbox)
          .set({ status: "sent", sentAt: clock.now(), attempts: row.attempts + 1, lastError: null })
          .where(eq(s.mailOutbox.id, row.id));
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
    deliverPendingMail().catch((error) => log.error({ err: error }, "mail delivery failed"));
  }, 50);
}

/** Runs delivery now and then every 30 seconds (for retries). Called once at start-up. */
export function startMailWorker() {
  if (workerStarted) return;
  workerStarted = true;
  scheduleDelivery();
  interval = setInterval(scheduleDelivery, 30_000);
  interval.unref();
}

let interval: ReturnType<typeof setInterval> | undefined;

/** Stops the worker at shutdown; a delivery in progress is rolled back with its transaction when the database closes. */
export function stopMailWorker() {
  workerStarted = false;
  clearInterval(interval);
  clearTimeout(timer);
  timer = undefined;
}

/**
 * The local mail viewer exists only where mail cannot leave the machine (a local install, no SMTP) and only for a
 * client on this machine: its reset and invitation links are as good as passwords (issue 12).
 */
export function mailViewerEnabled(request: Request) {
  const c = config();
  return c.localInstall && !c.SMTP_URL && !(c.NOTIFY_API_KEY && c.NOTIFY_EMAIL_TEMPLATE_ID) && isLoopbackClient(request);
}

export async function recentMail(limit = 50) {
  const db = await getDb();
  return db
    .select({
      id: s.mailOutbox.id,
      channel: s.mailOutbox.channel,
      to: s.mailOutbox.to,
      subject: s.mailOutbox.subject,
      text: s.mailOutbox.text,
      status: s.mailOutbox.status,
      createdAt: s.mailOutbox.createdAt,
    })
    .from(s.mailOutbox)
    .orderBy(desc(s.mailOutbox.createdAt))
    .limit(limit);
}
