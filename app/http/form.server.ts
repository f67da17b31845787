// The one way a route action reads what was posted (issue 11). It refuses, with a 4xx and a sentence a person
// understands, everything that is not a form FORT could have sent: a missing or foreign content type (415), a body
// over the size limit (413), a broken form encoding (400). Text values lose their control characters here, once,
// so no route and no query ever sees a NUL byte.
import { stripControlCharacters } from "./text";

/** Enough for the longest form FORT has (a referral with every field at its maximum) several times over. */
export const MAX_FORM_BYTES = 256 * 1024;

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];
const ID_FIELD = /^[a-z][A-Za-z]*Ids?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function refusal(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

async function readBodyUpTo(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("Content-Length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      throw refusal(400, "The form could not be read completely. Please try again.");
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(step.value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number) {
  const limit = maxBytes >= 1024 * 1024 ? `${Math.round(maxBytes / (1024 * 1024))} MB` : `${Math.round(maxBytes / 1024)} KB`;
  return refusal(413, `What you sent is larger than FORT accepts here (${limit}). Please shorten it and try again.`);
}

/**
 * Reads a posted form. Throws a Response (415, 413 or 400) for anything else, which Remix shows as an error page.
 * `maxBytes` raises the limit for a form with a file upload.
 */
export async function readForm(request: Request, options: { maxBytes?: number } = {}): Promise<FormData> {
  const contentType = request.headers.get("Content-Type") ?? "";
  const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
  if (!mediaType) throw refusal(400, "FORT expected a form here, but nothing said what was sent. Please use the form on the page.");
  if (!FORM_TYPES.includes(mediaType)) throw refusal(415, "FORT only accepts forms here. Please use the form on the page.");
  const body = await readBodyUpTo(request, options.maxBytes ?? MAX_FORM_BYTES);
  let parsed: FormData;
  try {
    parsed = await new Response(body, { headers: { "Content-Type": contentType } }).formData();
  } catch {
    throw refusal(400, "The form could not be read: it was not sent the way a browser sends forms. Please use the form on the page.");
  }
  const clean = new FormData();
  for (const [rawName, value] of parsed) {
    const name = stripControlCharacters(rawName);
    const text = typeof value === "string" ? stripControlCharacters(value) : value;
    // FORT's forms name their references `…Id` / `…Ids`, and every one is a UUID: anything else was not sent by one of
    // its pages, and would only reach the database to be refused there.
    if (ID_FIELD.test(name) && typeof text === "string" && text !== "" && !UUID.test(text)) {
      throw refusal(400, "The form referred to something FORT does not know. Please reload the page and try again.");
    }
    clean.append(name, text);
  }
  return clean;
}
