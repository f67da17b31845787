// How inboxes group referral states into tabs; shared by the server's queries and the pages.
import type { ReferralState } from "./state-machine";

export const INBOX_TABS = {
  new: { label: "New", states: ["sent"] },
  awaiting: { label: "Awaiting information", states: ["info_requested"] },
  active: { label: "Active", states: ["accepted", "in_progress"] },
  closed: { label: "Closed", states: ["declined", "closed", "withdrawn"] },
} as const satisfies Record<string, { label: string; states: readonly ReferralState[] }>;
export type InboxTab = keyof typeof INBOX_TABS;
