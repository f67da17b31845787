// How inboxes group referral states into tabs; shared by the server's queries and the pages.
import type { ReferralState } from "./state-machine";

export const INBOX_TABS = {
  // An answer to a question puts the referral back with the new ones, marked "information received".
  new: { label: "New", states: ["sent", "info_received"] },
  awaiting: { label: "Awaiting information", states: ["info_requested"] },
  active: { label: "Active", states: ["accepted", "in_progress"] },
  closed: { label: "Closed", states: ["declined", "closed", "withdrawn"] },
} as const satisfies Record<string, { label: string; states: readonly ReferralState[] }>;
export type InboxTab = keyof typeof INBOX_TABS;
