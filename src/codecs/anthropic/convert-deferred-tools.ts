/**
 * Deferred tools (`defer_loading: true`) for upstreams that are not Anthropic.
 *
 * Anthropic keeps a deferred tool out of the model's context until a tool search loads it: a
 * `tool_reference` naming it in a tool result (a client-side search such as Claude Code's
 * ToolSearch) or in a `tool_search_tool_result` (the server-side search tools). Other providers
 * have no such mechanism, so the gateway does what Anthropic would do: a deferred tool reaches
 * them as an ordinary tool once it has been loaded in this conversation, and not before. That
 * costs no context for tools the model never asked for, keeps every loaded tool callable, and
 * keeps Claude Code's `DeferredToolPlaceholder` (a stub that is never loaded: its only job is to
 * keep Anthropic's deferred loading switched on) away from models that would call it.
 *
 * A deferred tool counts as loaded when
 * - a `tool_reference` names it (tool_result content, tool_search_tool_result);
 * - a `<function>{…"name": "X"…}</function>` line of a tool result names it: Claude Code itself
 *   rewrites its tool_reference blocks into that text for models it does not know as Claude, and
 *   its ToolSearch tool documents the format.
 * A call alone does not load a tool: a model that called the placeholder must not get it back.
 *
 * A tool_reference is shown to the other model as the same `<functions>` text, with the tool's
 * definition from the request (Anthropic expands it in place; the model must see the schema).
 *
 * Mid-conversation tool changes (a `role: "system"` message with `tool_addition` / `tool_removal`
 * blocks, which Claude Code sends when its MCP tools change) are applied in order: a tool added by
 * name is loaded, one added by value joins the tools, a removed one leaves them.
 */
import type { TextPart } from "../../canonical/types";
import { isRecord, safeJsonParse } from "../../streams/json";

type RawBlock = Record<string, unknown>;
type RawMessage = { role: string; content: string | RawBlock[] };

export function isDeferred(tool: Record<string, unknown>): boolean {
  return tool.defer_loading === true;
}

/** Which tools the conversation has loaded, added and removed by its end. */
export interface ToolAvailability {
  /** Tools loaded by a search or a tool_addition by name. */
  loaded: Set<string>;
  /** Tools defined by value in tool_addition blocks and still in effect, by name. */
  added: Map<string, RawBlock>;
  /** Tools withdrawn by tool_removal blocks and not added again. */
  removed: Set<string>;
}

export function toolAvailability(messages: ReadonlyArray<RawMessage>): ToolAvailability {
  const out: ToolAvailability = { loaded: new Set(), added: new Map(), removed: new Set() };
  for (const m of messages) {
    if (typeof m.content === "string") continue;
    for (const block of m.content) {
      if (m.role === "system") applyToolChange(block, out);
      else collectFromBlock(block, out.loaded);
    }
  }
  return out;
}

function applyToolChange(block: RawBlock, out: ToolAvailability): void {
  const tool = isRecord(block.tool) ? block.tool : undefined;
  if (!tool) return;
  const definition = tool.type === "tool_definition" && isRecord(tool.definition) ? tool.definition : undefined;
  const name = typeof tool.name === "string" ? tool.name : typeof definition?.name === "string" ? definition.name : undefined;
  if (name === undefined) return;
  if (block.type === "tool_addition") {
    out.removed.delete(name);
    if (definition) out.added.set(name, definition);
    else out.loaded.add(name);
  } else if (block.type === "tool_removal") {
    out.removed.add(name);
    out.added.delete(name);
  }
}

function collectFromBlock(block: RawBlock, names: Set<string>): void {
  switch (block.type) {
    case "tool_reference":
      if (typeof block.tool_name === "string") names.add(block.tool_name);
      return;
    case "tool_result":
      if (typeof block.content === "string") collectFromText(block.content, names);
      else if (Array.isArray(block.content)) {
        for (const c of block.content) {
          if (!isRecord(c)) continue;
          if (c.type === "text" && typeof c.text === "string") collectFromText(c.text, names);
          else collectFromBlock(c, names);
        }
      }
      return;
    case "tool_search_tool_result": {
      const refs = isRecord(block.content) ? block.content.tool_references : undefined;
      if (Array.isArray(refs)) for (const r of refs) if (isRecord(r)) collectFromBlock(r, names);
      return;
    }
  }
}

const OPEN = "<function>";
const CLOSE = "</function>";

/** Tool names of the `<function>{json}</function>` lines in a text. */
function collectFromText(text: string, names: Set<string>): void {
  let at = text.indexOf(OPEN);
  while (at !== -1) {
    const end = text.indexOf(CLOSE, at + OPEN.length);
    if (end === -1) return;
    const parsed = safeJsonParse(text.slice(at + OPEN.length, end));
    if (parsed.ok && isRecord(parsed.value) && typeof parsed.value.name === "string") names.add(parsed.value.name);
    at = text.indexOf(OPEN, end + CLOSE.length);
  }
}

/** A tool's definition as the model sees it in a `<functions>` block. */
export interface ToolTableEntry {
  name: string;
  description?: string;
  input_schema?: unknown;
}

/**
 * The text that stands for tool_reference blocks: Claude Code's own `<functions>` rendering, one
 * `<function>` line per referenced tool the request defines (unknown names are listed by name).
 */
export function toolReferencesText(names: string[], table: ReadonlyMap<string, ToolTableEntry>): TextPart {
  let text = "<functions>";
  for (const name of names) {
    const tool = table.get(name);
    const line = tool ? { description: tool.description, name, parameters: tool.input_schema } : { name };
    text += `\n${OPEN}${JSON.stringify(line)}${CLOSE}`;
  }
  return { type: "text", text: `${text}\n</functions>` };
}

/** The request's custom tools by name (what tool_reference blocks point at). */
export function toolTable(tools: ReadonlyArray<Record<string, unknown>> | undefined): Map<string, ToolTableEntry> {
  const table = new Map<string, ToolTableEntry>();
  for (const t of tools ?? []) {
    if (typeof t.name !== "string" || (t.type != null && t.type !== "custom")) continue;
    table.set(t.name, { name: t.name, description: typeof t.description === "string" ? t.description : undefined, input_schema: t.input_schema });
  }
  return table;
}
