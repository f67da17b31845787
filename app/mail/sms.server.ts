// Text messages (issue 16). They share the mail outbox (channel "sms"), so a text is queued in the same transaction as
// the change it announces and retried like mail. Sent through GOV.UK Notify when NOTIFY_API_KEY and
// NOTIFY_SMS_TEMPLATE_ID are set; otherwise kept in the outbox, readable at /dev/mail on a local install.
import { createHmac } from "node:crypto";
import { config } from "../config.server";
import { log } from "../log.server";

export interface SmsSender {
  send(message: { to: string; text: string; reference?: string }): Promise<void>;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** Notify's API key is "<key name>-<service id>-<secret>"; the service id and secret are both UUIDs. */
export function parseNotifyKey(apiKey: string) {
  return { serviceId: apiKey.slice(-73, -37), secret: apiKey.slice(-36) };
}

/** The bearer token Notify expects: a HS256 JWT with the service id as issuer, signed with the key's secret. */
export function notifyToken(apiKey: string, now = Date.now()) {
  const { serviceId, secret } = parseNotifyKey(apiKey);
  const header = base64url(JSON.stringify({ typ: "JWT", alg: "HS256" }));
  const payload = base64url(JSON.stringify({ iss: serviceId, iat: Math.floor(now / 1000) }));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** GOV.UK Notify's POST /v2/notifications/sms with a template whose content is ((body)). */
export function notifySmsSender(options: { apiKey: string; templateId: string; baseUrl: string }): SmsSender {
  return {
    async send({ to, text, reference }) {
      const response = await fetch(`${options.baseUrl.replace(/\/$/, "")}/v2/notifications/sms`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${notifyToken(options.apiKey)}`, "User-Agent": "FORT" },
        body: JSON.stringify({ phone_number: to, template_id: options.templateId, personalisation: { body: text }, ...(reference ? { reference } : {}) }),
        signal: AbortSignal.timeout(15_000),
      });
      if (response.status !== 201) {
        // Notify's error names (never the number or the text) go to the outbox row and the log.
        const body = (await response.json().catch(() => null)) as { errors?: { error?: string }[] } | null;
        throw new Error(`Notify refused the text message: ${response.status} ${body?.errors?.map((e) => e.error).join(", ") ?? ""}`.trim());
      }
    },
  };
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
