/**
 * Custom tools and tool namespaces in the canonical model (both come from OpenAI's Responses API).
 *
 * A custom tool takes free-form text instead of JSON arguments (Codex's `apply_patch`). Canonically
 * it is a function taking ONE string, `{input: string}`: its ToolDefinition.parameters say so and a
 * call's `arguments` are `{"input": "<raw text>"}`. Every upstream format can therefore send it as
 * an ordinary function with no code of its own; only a codec that has real custom tools (Responses)
 * reads `custom` and unwraps the input. The grammar, which other providers cannot enforce, goes
 * into the parameter's description so the model still sees it.
 *
 * A namespaced tool is canonically the function `<namespace>__<name>` (the separator fits every
 * provider's tool-name rules: OpenAI and Anthropic allow only [A-Za-z0-9_-]); the namespace itself
 * is kept on the ToolDefinition so a Responses encoder can group and split names again.
 */
import { safeJsonParse, isRecord } from "../streams/json";
import type { CustomToolFormat, ToolDefinition } from "./types";

export const CUSTOM_INPUT_FIELD = "input";
const NAMESPACE_SEPARATOR = "__";

/** The one-string function schema a custom tool is sent as where custom tools do not exist. */
export function customToolParameters(format: CustomToolFormat | undefined): Record<string, unknown> {
  let description = "The tool's raw input, as free-form text (not JSON).";
  if (format?.type === "grammar") {
    description = `The tool's raw input, as free-form text (not JSON) that matches this ${format.syntax} grammar:\n${format.definition}`;
  }
  return {
    type: "object",
    properties: { [CUSTOM_INPUT_FIELD]: { type: "string", description } },
    required: [CUSTOM_INPUT_FIELD],
    additionalProperties: false,
  };
}

/** A custom call's raw input as canonical arguments (JSON text). */
export const wrapCustomInput = (input: string): string => JSON.stringify({ [CUSTOM_INPUT_FIELD]: input });

/**
 * The raw input of a custom call from canonical arguments. A model that answered the stand-in
 * function with something other than `{"input": "…"}` gets its text passed on as it is.
 */
export function unwrapCustomInput(args: string): string {
  const parsed = safeJsonParse(args);
  if (parsed.ok && isRecord(parsed.value)) {
    const input = parsed.value[CUSTOM_INPUT_FIELD];
    if (typeof input === "string") return input;
  }
  return args;
}

export const qualifiedToolName = (namespace: string | undefined, name: string): string =>
  namespace ? `${namespace}${NAMESPACE_SEPARATOR}${name}` : name;

/** The name of a tool inside its namespace (the canonical name when it has none). */
export function memberName(tool: Pick<ToolDefinition, "name" | "namespace">): string {
  const prefix = tool.namespace ? tool.namespace.name + NAMESPACE_SEPARATOR : "";
  return prefix && tool.name.startsWith(prefix) ? tool.name.slice(prefix.length) : tool.name;
}
