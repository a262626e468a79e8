/**
 * A server-side tool search in a conversation's history (`server_tool_use` of a search tool and
 * its `tool_search_tool_result`, from Anthropic or from the gateway's own search, see
 * gateway-tool-search.ts) as other upstreams can read it: a function call and its result, whose
 * text holds the definitions of the tools found (the `<functions>` form of tool references).
 */
import type { ToolCallPart, ToolResultPart } from "../../canonical/types";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import { isRecord } from "../../streams/json";
import { toolReferencesText, type ToolTableEntry } from "./convert-deferred-tools";

type RawBlock = Record<string, unknown>;

/** A `server_tool_use` of one of the request's search tools, as a call; undefined for other server tools. */
export function searchCallPart(block: RawBlock, searchTools: ReadonlySet<string>): ToolCallPart | undefined {
  if (typeof block.id !== "string" || typeof block.name !== "string" || !searchTools.has(block.name)) return undefined;
  const { id, thoughtSignature } = unpackToolCallId(block.id);
  const part: ToolCallPart = { type: "tool-call", id, name: block.name, arguments: JSON.stringify(isRecord(block.input) ? block.input : {}) };
  if (thoughtSignature) part.thoughtSignature = thoughtSignature;
  return part;
}

/** A `tool_search_tool_result` as the result of that call. */
export function searchResultPart(block: RawBlock, callName: string | undefined, tools: ReadonlyMap<string, ToolTableEntry>): ToolResultPart | undefined {
  if (typeof block.tool_use_id !== "string" || !isRecord(block.content)) return undefined;
  const c = block.content;
  const part: ToolResultPart = { type: "tool-result", toolCallId: unpackToolCallId(block.tool_use_id).id, content: [] };
  if (callName) part.name = callName;
  if (Array.isArray(c.tool_references)) {
    const names = c.tool_references.flatMap((r) => (isRecord(r) && typeof r.tool_name === "string" ? [r.tool_name] : []));
    part.content.push(names.length > 0 ? toolReferencesText(names, tools) : { type: "text", text: "No tools matched." });
  } else {
    const why = typeof c.error_message === "string" ? c.error_message : String(c.error_code ?? "error");
    part.content.push({ type: "text", text: `Tool search failed: ${why}` });
    part.isError = true;
  }
  return part;
}
