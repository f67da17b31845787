// The one mapping from a domain refusal to HTTP. A route wraps its one domain call:
//   try { … } catch (error) { return refusalResponse(error) }            // { error, fieldErrors } with 400/403/404/409
//   catch (error) { const r = refusalOf(error); … data({ notice: { ok: false, message: r.message } }, { status: r.status }) }
// Anything that is not a DomainError is re-thrown: a real fault stays a 500 and is logged.
import { data } from "@remix-run/node";
import { type DomainError, type FieldErrors, isDomainError } from "./errors";

export interface Refusal {
  status: DomainError["status"];
  message: string;
  fieldErrors: FieldErrors;
}

/** The refusal carried by a domain error; re-throws anything else. */
export function refusalOf(error: unknown): Refusal {
  if (!isDomainError(error)) throw error;
  return { status: error.status, message: error.message, fieldErrors: error.fieldErrors };
}

/** A response for a refusal: `{ error, fieldErrors }` with its status; re-throws anything else. */
export function refusalResponse(error: unknown) {
  const r = refusalOf(error);
  return data({ error: r.message, fieldErrors: r.fieldErrors }, { status: r.status });
}

/** The refusal as conform's reply options: beside its fields when it names them, else above the form. */
export function replyErrorsOf(refusal: Refusal): { fieldErrors: FieldErrors } | { formErrors: string[] } {
  return Object.keys(refusal.fieldErrors).length ? { fieldErrors: refusal.fieldErrors } : { formErrors: [refusal.message] };
}
