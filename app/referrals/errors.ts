// A referral's refusals: the app's typed domain errors (app/domain/errors.ts) with the referral's own wording.
import { Conflict, NotFound, Refused } from "../domain/errors";
import { STATE_LABELS, type ReferralState } from "./state-machine";

export class ReferralNotFound extends NotFound {
  constructor() {
    super("We could not find that referral, or you do not have access to it.");
  }
}

/** Someone else changed the referral first: the message names them and the state it is in now. */
export class ReferralConflict extends Conflict {
  constructor(
    public readonly updatedBy: string,
    public readonly state: ReferralState,
  ) {
    super(`This referral was just updated by ${updatedBy}. It is now: ${STATE_LABELS[state]}. Here is its current state; check it before you try again.`);
  }
}

/** The rules refuse it (state machine, eligibility, consent); the message says what to do instead. */
export class ReferralRefused extends Refused {}
