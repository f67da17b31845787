// A referral's life as one table: which move leads from which states to which, and which party may make it.
// Pure (no database, no clock) so the rules can be read, tested exhaustively and shown to users in one place.
//
// draft ──submit──> sent ──accept──> accepted ──start_support──> in_progress ──close──> closed
//                    ├─decline──> declined
//                    └─request_info──> info_requested ──answer_info──> info_received
// info_received is answered like sent (accept, decline, request_info again): it tells the provider an answer came.
// withdraw ──> withdrawn from any open state (the referrer, or the family for a self-referral)
// forward: the provider passes the referral to another service; it arrives there as sent, its history kept.

export const REFERRAL_STATES = ["draft", "sent", "info_requested", "info_received", "accepted", "declined", "in_progress", "closed", "withdrawn"] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** Who is acting, as seen from this referral. "none" is anyone with no relation to it. */
export const PARTIES = ["referrer", "provider", "family", "coordinator", "none"] as const;
export type Party = (typeof PARTIES)[number];

export const ACTIONS = ["submit", "accept", "decline", "request_info", "answer_info", "start_support", "close", "withdraw", "forward"] as const;
export type ReferralAction = (typeof ACTIONS)[number];

export const OPEN_STATES: readonly ReferralState[] = ["sent", "info_requested", "info_received", "accepted", "in_progress"];
/** States where the service is to respond: a new referral, or one whose requested information has arrived. */
const AWAITING_RESPONSE: readonly ReferralState[] = ["sent", "info_received"];
export const FINISHED_STATES: readonly ReferralState[] = ["declined", "closed", "withdrawn"];

interface Move {
  from: readonly ReferralState[];
  to: ReferralState;
  by: readonly Party[];
}

export const TRANSITIONS: Record<ReferralAction, Move> = {
  submit: { from: ["draft"], to: "sent", by: ["referrer", "family"] },
  accept: { from: AWAITING_RESPONSE, to: "accepted", by: ["provider"] },
  decline: { from: AWAITING_RESPONSE, to: "declined", by: ["provider"] },
  request_info: { from: AWAITING_RESPONSE, to: "info_requested", by: ["provider"] },
  answer_info: { from: ["info_requested"], to: "info_received", by: ["referrer", "family"] },
  start_support: { from: ["accepted"], to: "in_progress", by: ["provider"] },
  close: { from: ["in_progress"], to: "closed", by: ["provider"] },
  withdraw: { from: OPEN_STATES, to: "withdrawn", by: ["referrer", "family"] },
  // The history stays with the referral; only the receiving service (and organisation) change.
  forward: { from: ["sent", "info_requested", "info_received", "accepted"], to: "sent", by: ["provider"] },
};

export const STATE_LABELS: Record<ReferralState, string> = {
  draft: "Draft",
  sent: "Sent, awaiting a response",
  info_requested: "Information requested",
  info_received: "Information received, awaiting a response",
  accepted: "Accepted",
  declined: "Declined",
  in_progress: "Support under way",
  closed: "Closed",
  withdrawn: "Withdrawn",
};

export const ACTION_LABELS: Record<ReferralAction, string> = {
  submit: "Send referral",
  accept: "Accept",
  decline: "Decline",
  request_info: "Ask for more information",
  answer_info: "Send the information asked for",
  start_support: "Record first contact / support started",
  close: "Close with an outcome",
  withdraw: "Withdraw referral",
  forward: "Forward to another service",
};

/** What the timeline says happened. */
export const ACTION_PAST: Record<ReferralAction, string> = {
  submit: "Sent",
  accept: "Accepted",
  decline: "Declined",
  request_info: "Asked for more information",
  answer_info: "Answered the request for information",
  start_support: "First contact made, support started",
  close: "Closed",
  withdraw: "Withdrawn",
  forward: "Forwarded to another service",
};

export const DECLINE_REASONS = {
  not_eligible: "Not eligible",
  no_capacity: "No capacity / waiting list full",
  outside_area: "Outside the area we cover",
  family_declined: "Family declined",
  duplicate: "Duplicate referral",
  better_met_elsewhere: "Better met elsewhere",
  other: "Other",
} as const;
export type DeclineReason = keyof typeof DECLINE_REASONS;

export const CLOSE_OUTCOMES = {
  needs_met: "Needs met",
  needs_partly_met: "Needs partly met",
  family_disengaged: "Family disengaged",
  unable_to_contact: "Unable to contact",
  moved_away: "Moved away",
  escalated_to_statutory: "Escalated to statutory services",
  other: "Other",
} as const;
export type CloseOutcome = keyof typeof CLOSE_OUTCOMES;

/** Outcomes FORT records itself (never offered on the close form). */
export const SYSTEM_CLOSE_OUTCOMES = {
  no_longer_active: "No longer active (closed by FORT after a long time with no activity)",
} as const;

/** The outcome recorded for each SHANARRI need a closed referral addressed. */
export const NEED_OUTCOMES = {
  met: "Met",
  partly_met: "Partly met",
  not_met: "Not met",
  not_addressed: "Not addressed by this service",
} as const;
export type NeedOutcome = keyof typeof NEED_OUTCOMES;

export type Decision = { allowed: true; to: ReferralState } | { allowed: false; reason: string };

const PARTY_NAMES: Record<Party, string> = {
  referrer: "the referrer",
  provider: "the receiving service",
  family: "the family",
  coordinator: "a coordinator",
  none: "you",
};

/** May this party make this move from this state? The refusal says why in words a user understands. */
export function decide(state: ReferralState, action: ReferralAction, party: Party): Decision {
  const move = TRANSITIONS[action];
  if (!move.by.includes(party)) {
    const who = move.by.map((p) => PARTY_NAMES[p]).join(" or ");
    return { allowed: false, reason: `Only ${who} can ${ACTION_LABELS[action].toLowerCase()}.` };
  }
  if (!move.from.includes(state)) {
    return { allowed: false, reason: `This referral is ${STATE_LABELS[state].toLowerCase()}, so it cannot be ${ACTION_PAST[action].toLowerCase()} now.` };
  }
  return { allowed: true, to: move.to };
}

/** The moves this party can make now, in the order they are offered. */
export function allowedActions(state: ReferralState, party: Party): ReferralAction[] {
  return ACTIONS.filter((a) => a !== "submit" && decide(state, a, party).allowed);
}

export function isOpen(state: ReferralState) {
  return OPEN_STATES.includes(state);
}
