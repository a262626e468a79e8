import type { Context } from "hono";
import { z } from "zod";
import { LIMIT_RESETS, RATE_INTERVALS } from "../db/schema";
import { checkJsonDepth } from "../canonical/request-limits";
import { BadRequestError } from "../errors/gateway-error";
import { KNOWN_PROVIDER_IDS, providerIdFor } from "./allowed-providers";

/** Request schemas of the key management API. Every bad field becomes a 400 naming it. */

const futureIso = z.iso
  .datetime({ offset: true, error: "expected an ISO 8601 date-time such as 2030-01-31T00:00:00Z" })
  .refine((s) => Date.parse(s) > Date.now(), "must be in the future");

const keyFields = {
  label: z.string().trim().min(1).max(200),
  /** Normalised to registry ids (aliases such as `gemini` → `google`); unknown slugs are refused. */
  allowed_providers: z
    .array(z.string().trim().min(1).max(100))
    .max(200)
    .nullable()
    .transform((list, ctx) => {
      if (list === null) return null;
      const ids: string[] = [];
      list.forEach((slug, i) => {
        const id = providerIdFor(slug);
        if (id === undefined) {
          ctx.issues.push({ code: "custom", input: slug, path: [i], message: `unknown provider '${slug}' (known: ${KNOWN_PROVIDER_IDS().join(", ")})` });
        } else if (!ids.includes(id)) ids.push(id);
      });
      return ids;
    }),
  /** USD. */
  limit: z.number().min(0).max(1_000_000_000).nullable(),
  limit_reset: z.enum(LIMIT_RESETS).nullable(),
  expires_at: futureIso.nullable(),
  rate_limit: z
    .strictObject({
      requests: z.number().int().min(1).max(1_000_000_000),
      interval: z.enum(RATE_INTERVALS),
    })
    .nullable(),
};

export const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  label: keyFields.label.optional(),
  allowed_providers: keyFields.allowed_providers.optional(),
  limit: keyFields.limit.optional(),
  limit_reset: keyFields.limit_reset.optional(),
  expires_at: keyFields.expires_at.optional(),
  rate_limit: keyFields.rate_limit.optional(),
});

export const updateKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  label: keyFields.label.optional(),
  disabled: z.boolean().optional(),
  allowed_providers: keyFields.allowed_providers.optional(),
  limit: keyFields.limit.optional(),
  limit_reset: keyFields.limit_reset.optional(),
  expires_at: keyFields.expires_at.optional(),
  rate_limit: keyFields.rate_limit.optional(),
});

export const createManagementKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  label: z.string().trim().min(1).max(200).optional(),
});

const boolParam = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const listQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  /** Each key on the page costs one Durable Object call (its counters), hence the modest cap. */
  limit: z.coerce.number().int().min(1).max(100).default(100),
  include_disabled: boolParam.default(false),
});

/** `rate_limit.requests: Too small…; foo: unknown field` — every issue, each naming its field. */
export function describeIssues(error: z.ZodError): { message: string; fields: string[] } {
  const parts: string[] = [];
  const fields: string[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        const f = path ? `${path}.${k}` : k;
        fields.push(f);
        parts.push(`${f}: unknown field`);
      }
    } else {
      fields.push(path || "(body)");
      parts.push(`${path || "(body)"}: ${issue.message}`);
    }
  }
  return { message: parts.join("; "), fields };
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what = "request body"): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const { message, fields } = describeIssues(r.error);
  throw new BadRequestError(`Invalid ${what}: ${message}`, { fields });
}

/** The JSON object body of a request, or a 400. */
export async function jsonBody(c: Context): Promise<unknown> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new BadRequestError("Request body must be a JSON object (Content-Type: application/json).");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequestError("Request body must be a JSON object.");
  checkJsonDepth(body);
  return body;
}

export function queryParams(c: Context): Record<string, string> {
  return c.req.query();
}
