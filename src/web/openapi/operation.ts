// Small builders for OpenAPI operation objects, so the route table in document.ts stays one line
// per operation.
import { z } from "zod";

export type Operation = Record<string, unknown>;
export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Record<string, unknown>;
  description?: string;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const pathParam = (name: string, description: string): Parameter => ({ name, in: "path", required: true, schema: { type: "string" }, description });

/** The query parameters of a zod object schema (the one the route parses its query with). */
export function queryParams(schema: z.ZodObject): Parameter[] {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: "query", required: json.required?.includes(name) ?? false, schema: rest, ...(typeof description === "string" ? { description } : {}) };
  });
}

export interface OperationSpec {
  tag: string;
  id: string;
  summary: string;
  /** Security scheme names; "none" = may be called without credentials. */
  auth: string[];
  /** Request body component name. */
  body?: string;
  /** Response component name, or an inline schema. */
  response: string | Record<string, unknown>;
  status?: number;
  /** true / a chunk component: the operation streams Server-Sent Events when asked to. */
  stream?: boolean | string;
  /** Error body component (default OpenAIError: the management API answers in the OpenAI shape). */
  errors?: string;
  params?: Parameter[];
}

export function op(s: OperationSpec): Operation {
  const schema = typeof s.response === "string" ? ref(s.response) : s.response;
  const content: Record<string, unknown> = { "application/json": { schema } };
  if (s.stream) {
    content["text/event-stream"] = {
      schema: { type: "string", description: typeof s.stream === "string" ? `Server-Sent Events; each data line is a ${s.stream}.` : "Server-Sent Events in this API's own stream format." },
    };
  }
  const error = { description: "Error", content: { "application/json": { schema: ref(s.errors ?? "OpenAIError") } } };
  return {
    tags: [s.tag],
    operationId: s.id,
    summary: s.summary,
    security: s.auth.map((a) => (a === "none" ? {} : { [a]: [] })),
    ...(s.params?.length ? { parameters: s.params } : {}),
    ...(s.body ? { requestBody: { required: true, content: { "application/json": { schema: ref(s.body) } } } } : {}),
    responses: {
      [String(s.status ?? 200)]: { description: "OK", content },
      "400": error,
      "401": error,
      ...(s.auth.includes("managementKey") ? { "403": error } : { "402": error, "429": error }),
    },
  };
}
