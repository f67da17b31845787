// GOV.UK Notify (issue 16) through its official Node client, so the token, headers and payloads are the ones Notify
// supports rather than a copy of them. Used for text messages, and for email when NOTIFY_EMAIL_TEMPLATE_ID is set.
import axios, { isAxiosError } from "axios";
import { NotifyClient } from "notifications-node-client";

export interface NotifySettings {
  apiKey: string;
  baseUrl: string;
}

/** A request to Notify that has not answered in this time counts as failed; the outbox tries again later. */
const NOTIFY_TIMEOUT_MS = 15_000;

function notifyClient({ apiKey, baseUrl }: NotifySettings) {
  // The two-argument form (base URL, key) lets tests and the end-to-end server point the client at a local recorder.
  const client = new NotifyClient(baseUrl.replace(/\/$/, ""), apiKey);
  client.setClient(axios.create({ timeout: NOTIFY_TIMEOUT_MS }));
  return client;
}

/** Notify's error names and the status (never the number, address or text) go to the outbox row and the log. */
function refusal(what: string, error: unknown): Error {
  if (isAxiosError<{ errors?: { error?: string }[] }>(error)) {
    const names = error.response?.data?.errors?.map((e) => e.error).join(", ") ?? error.code ?? "";
    return new Error(`Notify refused the ${what}: ${error.response?.status ?? "no answer"} ${names}`.trim());
  }
  return new Error(`Notify could not take the ${what}: ${error instanceof Error ? error.message : String(error)}`);
}

/** A text through a template whose whole content is ((body)). */
export function notifySms(settings: NotifySettings & { templateId: string }) {
  const client = notifyClient(settings);
  return async ({ to, text, reference }: { to: string; text: string; reference?: string }) => {
    try {
      await client.sendSms(settings.templateId, to, { personalisation: { body: text }, ...(reference ? { reference } : {}) });
    } catch (error) {
      throw refusal("text message", error);
    }
  };
}

/** An email through a template whose subject is ((subject)) and whose body is ((body)). */
export function notifyEmail(settings: NotifySettings & { templateId: string }) {
  const client = notifyClient(settings);
  return async ({ to, subject, text }: { to: string; subject: string; text: string }) => {
    try {
      await client.sendEmail(settings.templateId, to, { personalisation: { subject, body: text } });
    } catch (error) {
      throw refusal("email", error);
    }
  };
}
