import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  PARTIES,
  REFERRAL_STATES,
  TRANSITIONS,
  allowedActions,
  decide,
  type Party,
  type ReferralAction,
  type ReferralState,
} from "~/referrals/state-machine";

// The brief's diagram, written out independently of the module's table: [action, from, to, who].
const EXPECTED: [ReferralAction, ReferralState, ReferralState, Party[]][] = [
  ["submit", "draft", "sent", ["referrer", "family"]],
  ["accept", "sent", "accepted", ["provider"]],
  ["decline", "sent", "declined", ["provider"]],
  ["request_info", "sent", "info_requested", ["provider"]],
  // Issue 16: an answer leaves a visible "information received", answered like a new referral.
  ["answer_info", "info_requested", "info_received", ["referrer", "family"]],
  ["accept", "info_received", "accepted", ["provider"]],
  ["decline", "info_received", "declined", ["provider"]],
  ["request_info", "info_received", "info_requested", ["provider"]],
  ["start_support", "accepted", "in_progress", ["provider"]],
  ["close", "in_progress", "closed", ["provider"]],
  ...(["sent", "info_requested", "info_received", "accepted", "in_progress"] as const).map(
    (from) => ["withdraw", from, "withdrawn", ["referrer", "family"]] as [ReferralAction, ReferralState, ReferralState, Party[]],
  ),
  ...(["sent", "info_requested", "info_received", "accepted"] as const).map(
    (from) => ["forward", from, "sent", ["provider"]] as [ReferralAction, ReferralState, ReferralState, Party[]],
  ),
];

const allowed = new Set(EXPECTED.flatMap(([action, from, , who]) => who.map((party) => `${action}|${from}|${party}`)));

const cases = ACTIONS.flatMap((action) => REFERRAL_STATES.flatMap((state) => PARTIES.map((party) => [action, state, party] as const)));

describe("the referral state machine", () => {
  it.each(cases.filter(([a, st, p]) => allowed.has(`${a}|${st}|${p}`)))("allows %s from %s by %s", (action, state, party) => {
    const expected = EXPECTED.find(([a, f]) => a === action && f === state)!;
    expect(decide(state, action, party)).toEqual({ allowed: true, to: expected[2] });
  });

  it.each(cases.filter(([a, st, p]) => !allowed.has(`${a}|${st}|${p}`)))("refuses %s from %s by %s, saying why", (action, state, party) => {
    const decision = decide(state, action, party);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.reason).toMatch(/^(Only .+ can .+\.|This referral is .+, so it cannot be .+ now\.)$/);
  });

  it("has exactly the states and actions of the diagram, so none escapes the checks above", () => {
    const diagramStates = new Set(EXPECTED.flatMap(([, from, to]) => [from, to]));
    expect([...REFERRAL_STATES].sort()).toEqual([...diagramStates].sort());
    expect([...ACTIONS].sort()).toEqual([...new Set(EXPECTED.map(([action]) => action))].sort());
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ACTIONS].sort());
    const allowedByModule = cases.filter(([a, st, p]) => decide(st, a, p).allowed).map(([a, st, p]) => `${a}|${st}|${p}`);
    expect(allowedByModule.sort()).toEqual([...allowed].sort());
  });

  it("gives coordinators and strangers no moves at all", () => {
    for (const state of REFERRAL_STATES) {
      expect(allowedActions(state, "coordinator")).toEqual([]);
      expect(allowedActions(state, "none")).toEqual([]);
    }
  });

  it("lets nobody move a finished referral", () => {
    for (const state of ["declined", "closed", "withdrawn"] as const) for (const party of PARTIES) expect(allowedActions(state, party)).toEqual([]);
  });

  it("offers the provider the moves of a new referral", () => {
    expect(allowedActions("sent", "provider")).toEqual(["accept", "decline", "request_info", "forward"]);
    expect(allowedActions("sent", "referrer")).toEqual(["withdraw"]);
    expect(allowedActions("info_requested", "referrer")).toEqual(["answer_info", "withdraw"]);
  });

  it("shows the provider that an answer arrived, and lets them act on it as on a new referral", () => {
    expect(decide("info_requested", "answer_info", "family")).toEqual({ allowed: true, to: "info_received" });
    expect(allowedActions("info_received", "provider")).toEqual(allowedActions("sent", "provider"));
    expect(allowedActions("info_received", "referrer")).toEqual(["withdraw"]);
  });

  it("names who may make a move when someone else tries", () => {
    expect(decide("sent", "accept", "referrer")).toEqual({ allowed: false, reason: "Only the receiving service can accept." });
    expect(decide("closed", "accept", "provider")).toEqual({ allowed: false, reason: "This referral is closed, so it cannot be accepted now." });
  });
});
