// The one way domain code refuses: throw one of these. Routes turn them into 400/403/404/409 with
// refusalOf()/refusalResponse() (app/domain/refusal.server.ts) and never guess from a message.
// Every message is written for the person who will read it: plain, no internals, no personal data.

export type FieldErrors = Record<string, string[]>;

export abstract class DomainError extends Error {
  abstract readonly status: 400 | 403 | 404 | 409;
  constructor(
    message: string,
    /** Errors to show beside form fields, by field name. */
    public readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The thing does not exist, or exists but not for this actor (no oracle: both read the same). */
export class NotFound extends DomainError {
  readonly status = 404 as const;
  constructor(message = "We could not find that, or you do not have access to it.") {
    super(message);
  }
}

/** The actor may not do this at all (wrong role, not an admin of that organisation). */
export class Forbidden extends DomainError {
  readonly status = 403 as const;
  constructor(message = "You do not have access to this.") {
    super(message);
  }
}

/** Someone else changed it first, or it is no longer in a state where this can happen. */
export class Conflict extends DomainError {
  readonly status = 409 as const;
}

/** The request is understood but the rules refuse it (bad input, an ineligible service, one's own account). */
export class Refused extends DomainError {
  readonly status = 400 as const;
  /** A refusal about one field of a form. */
  static field(field: string, message: string) {
    return new Refused(message, { [field]: [message] });
  }
}

/** Bad input in the sense of a form: a Refused with field errors. */
export const InvalidInput = Refused;

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
