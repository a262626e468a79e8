/**
 * What a Responses request may cost beyond its size and max_output_tokens (see UnseenCosts in
 * codec.ts) when a Responses upstream serves it, read from what only that upstream receives
 * (extensions.responses: the caller's tools verbatim, and top-level fields):
 * - `web_search*`: billed per search; `max_tool_calls` bounds how many built-in tool calls one
 *   response makes, without it the cost has no bound;
 * - tools OpenAI runs and bills on their own terms: `code_interpreter` and a hosted `shell`
 *   (container sessions), `file_search` (per call, over stored files), `image_generation` (per
 *   image), `mcp` (remote tool calls, as many as the model makes), and built-in tools this gateway
 *   does not know;
 * - `service_tier` above the standard price (`priority`, `scale`);
 * - files by URL (`input_file.file_url`): the upstream reads content of unknown size;
 * - images the `image_generation` tool makes when the gateway added it for image output
 *   (image-generation.ts): at most max_tool_calls images, each at most MAX_IMAGE_TOKENS.
 * Tools the caller runs (functions, custom, namespaces, local_shell, a local shell, apply_patch,
 * computer use) cost nothing on the upstream's side.
 */
import { hasRemoteFiles } from "../../canonical/remote-content";
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import type { UnseenCosts } from "../codec";
import { readResponsesExtensions } from "./extensions";
import { maxImageToolTokens } from "./image-generation";

const CLIENT_RUN = new Set(["function", "custom", "namespace", "local_shell", "apply_patch", "computer_use_preview", "computer_use", "computer"]);
const STANDARD_TIERS = new Set(["auto", "default", "flex"]);
const BILLED_ON_OWN_TERMS: Record<string, string> = {
  code_interpreter: "code_interpreter (billed per container session)",
  file_search: "file_search (billed per call, over stored files)",
  image_generation: "image_generation (billed per image)",
  mcp: "mcp (tool calls to remote MCP servers, as many as the model makes)",
};

export function responsesUnseenCosts(req: CanonicalRequest): UnseenCosts {
  const ext = readResponsesExtensions(req);
  const fields = ext.fields ?? {};
  const out: Required<UnseenCosts> = { remoteContent: hasRemoteFiles(req), serverToolUses: 0, searches: 0, unpriceable: [], imageOutputTokens: maxImageToolTokens(req) };
  const maxCalls = typeof fields.max_tool_calls === "number" && fields.max_tool_calls >= 1 ? Math.floor(fields.max_tool_calls) : undefined;
  for (const tool of ext.tools ?? []) {
    const type = isRecord(tool) && typeof tool.type === "string" ? tool.type : "function";
    if (CLIENT_RUN.has(type)) continue;
    if (type === "shell") {
      const env = isRecord(tool) && isRecord(tool.environment) ? tool.environment.type : undefined;
      if (env === undefined || env === "local") continue;
      out.unpriceable.push(`a hosted shell (${String(env)}: billed per container session)`);
    } else if (type.startsWith("web_search")) {
      if (maxCalls === undefined) out.unpriceable.push(`${type} without max_tool_calls (set max_tool_calls to bound how many searches run)`);
      else out.searches = out.serverToolUses = maxCalls;
    } else {
      out.unpriceable.push(BILLED_ON_OWN_TERMS[type] ?? `built-in tool '${type}'`);
    }
  }
  const tier = fields.service_tier;
  if (tier !== undefined && tier !== null && !(typeof tier === "string" && STANDARD_TIERS.has(tier))) {
    out.unpriceable.push(`service_tier '${String(tier)}' (priced above the standard tier)`);
  }
  return out;
}
