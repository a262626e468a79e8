/**
 * Responses tools and tool_choice ↔ canonical, both directions.
 * - function tools → canonical functions; custom tools → canonical custom tools (one-string
 *   functions for other formats, see canonical/tools.ts); namespace tools → their members,
 *   qualified `<namespace>__<name>`;
 * - OpenAI's built-in tools (web_search, file_search, code_interpreter, image_generation, mcp,
 *   local_shell, shell, apply_patch, computer_use…) have no canonical form: they travel in
 *   extensions.responses.tools and are listed in nativeFeatures, required when tool_choice forces
 *   one, so the gateway can refuse them for an upstream that cannot run them.
 */
import { customToolParameters, memberName, qualifiedToolName } from "../../canonical/tools";
import type { CustomToolFormat, NativeFeature, ToolChoice, ToolDefinition } from "../../canonical/types";
import type { z } from "zod";
import { BadRequestError } from "../../errors/gateway-error";
import { formatZodError } from "../openai/zod-error";
import { customToolSchema, functionToolSchema, namespaceToolSchema } from "./responses-api";
import type { ResponsesCustomTool, ResponsesFunctionTool, ResponsesTool, ResponsesToolChoice } from "./responses-api";

type Wire = Record<string, unknown>;

export interface DecodedTools {
  tools: ToolDefinition[];
  /** Built-in tool types, in order. */
  builtin: string[];
}

type Namespace = { name: string; description?: string };

function fromFunction(t: ResponsesFunctionTool, ns?: Namespace): ToolDefinition {
  // OpenAI allows omitting parameters (a function with no arguments).
  const def: ToolDefinition = { name: qualifiedToolName(ns?.name, t.name), parameters: t.parameters ?? { type: "object", properties: {} } };
  if (t.description != null) def.description = t.description;
  if (t.strict != null) def.strict = t.strict;
  if (ns) def.namespace = ns;
  return def;
}

function fromCustom(t: ResponsesCustomTool, ns?: Namespace): ToolDefinition {
  const format: CustomToolFormat | undefined = t.format ?? undefined;
  const def: ToolDefinition = { name: qualifiedToolName(ns?.name, t.name), parameters: customToolParameters(format), custom: format ? { format } : {} };
  if (t.description != null) def.description = t.description;
  if (ns) def.namespace = ns;
  return def;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new BadRequestError(`${path}.${formatZodError(r.error)}`);
  return r.data;
}

export function decodeTools(tools: ResponsesTool[]): DecodedTools {
  const out: DecodedTools = { tools: [], builtin: [] };
  tools.forEach((t, i) => {
    const path = `tools[${i}]`;
    if (t.type === "function") out.tools.push(fromFunction(parse(functionToolSchema, t, path)));
    else if (t.type === "custom") out.tools.push(fromCustom(parse(customToolSchema, t, path)));
    else if (t.type === "namespace") {
      const n = parse(namespaceToolSchema, t, path);
      const ns: Namespace = n.description != null ? { name: n.name, description: n.description } : { name: n.name };
      for (const m of n.tools) out.tools.push(m.type === "custom" ? fromCustom(m, ns) : fromFunction(m, ns));
    } else out.builtin.push(t.type);
  });
  return out;
}

/** The canonical choice, and whether the caller's own must be kept for a Responses upstream. */
export function decodeToolChoice(c: ResponsesToolChoice): { choice?: ToolChoice; raw: boolean; forcedBuiltin?: string } {
  if (typeof c === "string") return { choice: { type: c }, raw: false };
  if ((c.type === "function" || c.type === "custom") && typeof c.name === "string") {
    const ns = typeof c.namespace === "string" ? c.namespace : undefined;
    return { choice: { type: "tool", name: qualifiedToolName(ns, c.name) }, raw: false };
  }
  // allowed_tools narrows the set for OpenAI; elsewhere only its mode can be honoured.
  if (c.type === "allowed_tools" && (c.mode === "auto" || c.mode === "required")) return { choice: { type: c.mode }, raw: true };
  return { raw: true, forcedBuiltin: c.type };
}

export function nativeToolFeatures(builtin: string[], forced: string | undefined): NativeFeature[] {
  // A forced built-in may name a dated variant of the tool (web_search_preview_2025_03_11) or the reverse.
  const isForced = (type: string) => forced !== undefined && (type.startsWith(forced) || forced.startsWith(type));
  return builtin.map((type) => ({ format: "responses", name: `tool ${type}`, required: isForced(type) }));
}

// ---------------------------------------------------------------- canonical → Responses (upstream)

function toolBody(t: ToolDefinition): Wire {
  const name = memberName(t);
  if (t.custom) {
    const out: Wire = { type: "custom", name };
    if (t.description !== undefined) out.description = t.description;
    if (t.custom.format) out.format = t.custom.format;
    return out;
  }
  // Responses makes function tools strict unless told otherwise; canonical tools are not strict
  // unless they say so (a non-strict schema sent as strict is rejected).
  const out: Wire = { type: "function", name };
  if (t.description !== undefined) out.description = t.description;
  out.parameters = t.parameters;
  out.strict = t.strict ?? false;
  return out;
}

/** Canonical tools as Responses tools, members of a namespace grouped under it again. */
export function encodeTools(tools: ToolDefinition[]): Wire[] {
  const out: Wire[] = [];
  const namespaces = new Map<string, Wire[]>();
  for (const t of tools) {
    if (!t.namespace) {
      out.push(toolBody(t));
      continue;
    }
    let members = namespaces.get(t.namespace.name);
    if (!members) {
      members = [];
      namespaces.set(t.namespace.name, members);
      const ns: Wire = { type: "namespace", name: t.namespace.name, description: t.namespace.description ?? "" };
      ns.tools = members;
      out.push(ns);
    }
    members.push(toolBody(t));
  }
  return out;
}

export function encodeToolChoice(c: ToolChoice, tools: ToolDefinition[]): unknown {
  if (c.type !== "tool") return c.type;
  const tool = tools.find((t) => t.name === c.name);
  const out: Wire = { type: tool?.custom ? "custom" : "function", name: tool ? memberName(tool) : c.name };
  if (tool?.namespace) out.namespace = tool.namespace.name;
  return out;
}
