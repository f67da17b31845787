// The official ORUK 3.0 JSON Schemas (vendored, unmodified, in ../shared/standards/openreferral), loaded
// into Ajv the way the ORUK validator checks a feed: strict mode off, formats on.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

export const STANDARDS_DIR = path.resolve(process.env.OPENREFERRAL_STANDARDS_DIR ?? path.join(process.cwd(), "../shared/standards/openreferral"));
const SCHEMA_DIR = path.join(STANDARDS_DIR, "uk/oruk-3.0/schema");
export const SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/";
export const VALIDATOR_MOCKS = path.join(STANDARDS_DIR, "uk/oruk-validator-mocks");

let ajv: Ajv2020 | undefined;

export function officialAjv(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".json"))) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), "utf8")), SCHEMA_BASE + file);
  }
  return ajv;
}

/** Schema errors of a response body, as readable lines (empty when valid). */
export function schemaErrors(schemaFile: string, body: unknown): string[] {
  const validate = officialAjv().getSchema(SCHEMA_BASE + schemaFile);
  if (!validate) throw new Error(`No official schema ${schemaFile}`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

/** Which schema the ORUK 3.0 OpenAPI document names for each GET path's 200 response. */
export function responseSchemas(): Record<string, string> {
  const openapi = JSON.parse(readFileSync(path.join(STANDARDS_DIR, "uk/oruk-3.0/openapi.json"), "utf8"));
  const out: Record<string, string> = {};
  for (const [route, item] of Object.entries<Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> }>>(
    openapi.paths,
  )) {
    const ref = item.get?.responses["200"]?.content?.["application/json"]?.schema.$ref;
    if (ref) out[route] = ref.replace(SCHEMA_BASE, "");
  }
  return out;
}
