/**
 * What an Anthropic request may cost beyond its size and max_tokens (see UnseenCosts in
 * codec.ts), read from the fields only an Anthropic upstream receives:
 * - server tools Anthropic runs in a loop: `web_search_*` (billed per search) and `web_fetch_*`
 *   (tokens only), each bounded by its `max_uses`, without which its cost has no bound;
 * - code execution (`code_execution_*` tools, `container`): billed per container-hour;
 * - `mcp_servers`: tool calls to remote servers, as many as the model makes;
 * - documents by URL or file id: the upstream reads content of unknown size;
 * - a pricier tier: `service_tier` other than standard_only, `inference_geo` (regional pricing),
 *   `speed` (fast mode).
 */
import { hasRemoteFiles } from "../../canonical/remote-content";
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import type { UnseenCosts } from "../codec";

/** Anthropic-defined tools the client runs (no server cost): bash, text editor, computer use, memory. */
const CLIENT_TOOLS = /^(bash|text_editor|computer|memory)_/;

export function anthropicUnseenCosts(req: CanonicalRequest): UnseenCosts {
  const ext = req.extensions?.anthropic ?? {};
  const out: Required<UnseenCosts> = { remoteContent: hasRemoteFiles(req) || rawRemoteDocuments(ext.messages), serverToolUses: 0, searches: 0, unpriceable: [], imageOutputTokens: 0 };
  if (ext.mcp_servers !== undefined) out.unpriceable.push("mcp_servers (tool calls to remote MCP servers, as many as the model makes)");
  if (ext.container !== undefined) out.unpriceable.push("container (code execution is billed per container-hour)");
  if (ext.service_tier !== undefined && ext.service_tier !== "standard_only") out.unpriceable.push(`service_tier '${String(ext.service_tier)}' (only 'standard_only' is priced)`);
  if (ext.inference_geo !== undefined && ext.inference_geo !== "global") out.unpriceable.push(`inference_geo '${String(ext.inference_geo)}' (regional pricing)`);
  if (ext.speed !== undefined && ext.speed !== "standard") out.unpriceable.push(`speed '${String(ext.speed)}' (premium pricing)`);
  for (const tool of Array.isArray(ext.tools) ? ext.tools : []) {
    const type = isRecord(tool) && typeof tool.type === "string" ? tool.type : "custom";
    if (type === "custom" || CLIENT_TOOLS.test(type)) continue;
    const maxUses = isRecord(tool) && typeof tool.max_uses === "number" && tool.max_uses >= 1 ? Math.floor(tool.max_uses) : undefined;
    if (type.startsWith("web_search_") || type.startsWith("web_fetch_")) {
      if (maxUses === undefined) {
        out.unpriceable.push(`${type} without max_uses (set max_uses to bound how many times it runs)`);
        continue;
      }
      out.serverToolUses += maxUses;
      if (type.startsWith("web_search_")) out.searches += maxUses;
    } else if (type.startsWith("code_execution_")) {
      out.unpriceable.push(`${type} (code execution is billed per container-hour)`);
    } else {
      out.unpriceable.push(`server tool '${type}'`);
    }
  }
  return out;
}

/** Documents by URL or file id in raw messages kept for an Anthropic upstream (file ids do not decode to canonical parts). */
function rawRemoteDocuments(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  const remote = (b: unknown): boolean => {
    if (!isRecord(b)) return false;
    if (b.type === "document" && isRecord(b.source) && (b.source.type === "url" || b.source.type === "file")) return true;
    return b.type === "tool_result" && Array.isArray(b.content) && b.content.some(remote);
  };
  return messages.some((m) => isRecord(m) && Array.isArray(m.content) && m.content.some(remote));
}
