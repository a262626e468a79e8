/**
 * Gemini's `Schema` (the OpenAPI 3.0 subset used by `parameters` and `responseSchema`) → JSON
 * Schema, the canonical form. Differences handled: UPPERCASE enum types (`"OBJECT"`), `nullable`,
 * int64 limits sent as strings (`"minItems": "1"`), and Gemini-only keywords (`propertyOrdering`,
 * `example`) that strict JSON-Schema consumers (OpenAI structured outputs) would reject.
 */
import { isRecord } from "../../streams/json";

const INT64_KEYS = new Set(["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"]);
const DROPPED_KEYS = new Set(["nullable", "propertyOrdering", "example"]);

export function geminiSchemaToJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === "type" && typeof value === "string") {
      if (value !== "TYPE_UNSPECIFIED") out.type = value.toLowerCase();
    } else if (key === "properties" && isRecord(value)) {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(value)) props[name] = isRecord(sub) ? geminiSchemaToJsonSchema(sub) : sub;
      out.properties = props;
    } else if (key === "items" && isRecord(value)) {
      out.items = geminiSchemaToJsonSchema(value);
    } else if (key === "anyOf" && Array.isArray(value)) {
      out.anyOf = value.map((s) => (isRecord(s) ? geminiSchemaToJsonSchema(s) : s));
    } else if (INT64_KEYS.has(key) && typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
      out[key] = Number(value);
    } else {
      out[key] = value;
    }
  }
  if (schema.nullable === true) return makeNullable(out);
  return out;
}

function makeNullable(schema: Record<string, unknown>): Record<string, unknown> {
  const type = schema.type;
  if (typeof type === "string") {
    const nullable: Record<string, unknown> = { ...schema, type: [type, "null"] };
    // A nullable enum must admit null as a value too, or validators reject it.
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) nullable.enum = [...schema.enum, null];
    return nullable;
  }
  if (Array.isArray(schema.anyOf)) return { ...schema, anyOf: [...schema.anyOf, { type: "null" }] };
  return { anyOf: [schema, { type: "null" }] };
}
