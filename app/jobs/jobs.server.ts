// Every recurring job FORT runs. `npm run job -- <name>` runs one once from the command line.
import { sendFreshnessReminders } from "../directory/freshness.server";
import { deliverPendingMail } from "../mail/mail.server";
import type { JobDefinition } from "./scheduler.server";

export const JOBS: JobDefinition[] = [
  {
    name: "mail-delivery",
    intervalSeconds: 60,
    run: async () => {
      const { sent, failed } = await deliverPendingMail(200);
      return sent || failed ? `${sent} sent, ${failed} failed` : "";
    },
  },
  {
    name: "freshness-reminders",
    intervalSeconds: 24 * 3600,
    run: async () => `${await sendFreshnessReminders()} reminders queued`,
  },
];
