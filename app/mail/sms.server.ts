// Text messages (issue 16). They share the mail outbox (channel "sms"), so a text is queued in the same transaction as
// the change it announces and retried like mail. Sent through GOV.UK Notify when NOTIFY_API_KEY and
// NOTIFY_SMS_TEMPLATE_ID are set; otherwise kept in the outbox, readable at /dev/mail on a local install.
import { config } from "../config.server";
import { log } from "../log.server";
import { notifySms } from "./notify.server";

export interface SmsSender {
  send(message: { to: string; text: string; reference?: string }): Promise<void>;
}

/** GOV.UK Notify's text message API (its official client) with a template whose content is ((body)). */
export function notifySmsSender(options: { apiKey: string; templateId: string; baseUrl: string }): SmsSender {
  return { send: notifySms(options) };
}

let override: SmsSender | null = null;
/** For tests: replace the sender. */
export function setSmsSender(sender: SmsSender | null) {
  override = sender;
}

export function smsSender(): SmsSender {
  if (override) return override;
  const { NOTIFY_API_KEY, NOTIFY_SMS_TEMPLATE_ID, NOTIFY_BASE_URL, localInstall } = config();
  if (NOTIFY_API_KEY && NOTIFY_SMS_TEMPLATE_ID)
    return notifySmsSender({ apiKey: NOTIFY_API_KEY, templateId: NOTIFY_SMS_TEMPLATE_ID, baseUrl: NOTIFY_BASE_URL });
  return {
    async send() {
      log.info(
        localInstall ? "text message not sent (no NOTIFY_API_KEY): read it at /dev/mail from this machine" : "text message not sent (no NOTIFY_API_KEY is set)",
      );
    },
  };
}
