// Checks incoming records against the ORUK 3.0 JSON Schemas (copies in ./schema) and says what is
// wrong in words a coordinator can pass on to whoever publishes the feed.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

const SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/";

export type RecordKind = "service" | "organization" | "service_at_location" | "taxonomy" | "taxonomy_term";

let validators: Record<RecordKind, ValidateFunction> | undefined;

function schemaDir() {
  return path.resolve(process.cwd(), "app/openreferral/schema");
}

function load() {
  if (validators) return validators;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of readdirSync(schemaDir()).filter((f) => f.endsWith(".json"))) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(schemaDir(), file), "utf8")), SCHEMA_BASE + file);
  }
  const get = (file: string) => ajv.getSchema(SCHEMA_BASE + file)!;
  validators = {
    service: get("service.json"),
    organization: get("organization.json"),
    service_at_location: get("service_at_location.json"),
    taxonomy: get("taxonomy.json"),
    taxonomy_term: get("taxonomy_term.json"),
  };
  return validators;
}

const FORMAT_WORDS: Record<string, string> = {
  uri: "a full web address starting with http:// or https://",
  email: "an email address like name@example.org",
  uuid: "a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6",
  "date-time": "a date and time like 2025-01-31T09:00:00Z",
  date: "a date like 2025-01-31",
};

function valueAt(record: unknown, pointer: string): unknown {
  let value: unknown = record;
  for (const part of pointer.split("/").slice(1)) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return value;
}

function fieldName(pointer: string) {
  return (
    pointer
      .replace(/^\//, "")
      .replace(/\/(\d+)(?=\/|$)/g, "[$1]")
      .replace(/\//g, ".") || "the record"
  );
}

function shown(value: unknown) {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text && text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function describeError(record: unknown, error: ErrorObject): string {
  const field = fieldName(error.instancePath);
  const value = valueAt(record, error.instancePath);
  switch (error.keyword) {
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return error.instancePath ? `${field} has no ${missing}, which is required` : `${missing} is missing, and it is required`;
    }
    case "format": {
      const format = (error.params as { format: string }).format;
      return `${field} "${shown(value)}" is not ${FORMAT_WORDS[format] ?? `in the ${format} format`}`;
    }
    case "type":
      return `${field} should be ${(error.params as { type: string }).type === "number" ? "a number" : `of type ${(error.params as { type: string }).type}`}, not ${shown(value)}`;
    case "enum":
      return `${field} "${shown(value)}" is not one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(", ")}`;
    default:
      return `${field} ${error.message ?? "is not valid"}`;
  }
}

/** The deepest element of a nested list an error sits in, e.g. "/organization/organization_identifiers/0". */
function nestedElement(pointer: string): string | null {
  const match = /^(.*\/[a-z_]+\/\d+)(?:\/[^/]*[a-z_][^/]*)*$/.exec(pointer);
  return match ? match[1]! : null;
}

function removeAt(record: unknown, pointer: string) {
  const parts = pointer.split("/").slice(1);
  const index = Number(parts.pop());
  let parent: unknown = record;
  for (const part of parts) parent = (parent as Record<string, unknown>)[part];
  if (Array.isArray(parent)) parent.splice(index, 1);
}

/**
 * Checks a record, leaving out nested items that break the schema (a malformed identifier, contact or
 * address) rather than refusing the whole record for them. `problems` are what still makes the record
 * unusable; `leftOut` says what was dropped and why.
 */
export function checkRecord<T>(kind: RecordKind, record: T): { record: T; problems: string[]; leftOut: string[] } {
  const validate = load()[kind];
  if (validate(record)) return { record, problems: [], leftOut: [] };
  const current = JSON.parse(JSON.stringify(record)) as T;
  const leftOut: string[] = [];
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (validate(current)) return { record: current, problems: [], leftOut };
    const errors = validate.errors ?? [];
    const elements = errors.map((e) => nestedElement(e.instancePath));
    if (elements.some((e) => e === null)) {
      const problems = errors.filter((_, i) => elements[i] === null).map((e) => describeError(current, e));
      return { record: current, problems: [...new Set(problems)], leftOut };
    }
    const byElement = new Map<string, string[]>();
    errors.forEach((e, i) => byElement.set(elements[i]!, [...(byElement.get(elements[i]!) ?? []), describeError(current, e)]));
    // Remove from the end of each list first so earlier indexes stay right.
    for (const element of [...byElement.keys()].sort((a, b) => Number(b.split("/").pop()) - Number(a.split("/").pop()))) {
      const name = fieldName(element);
      const reasons = [...new Set(byElement.get(element))].map((m) => m.replace(`${name}.`, "").replace(`${name} has`, "it has"));
      leftOut.push(`Left out ${name}: ${reasons.join("; ")}.`);
      removeAt(current, element);
    }
  }
  return { record: current, problems: ["the record has too many problems to list"], leftOut };
}
