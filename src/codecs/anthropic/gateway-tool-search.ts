/**
 * Anthropic's server-side tool search (`tool_search_tool_regex_*`, `tool_search_tool_bm25_*`) for
 * models that have none: the gateway runs the search itself.
 *
 * With deferred tools and a search tool, Anthropic shows the model only the search; the model
 * searches, the matching tools load (a `server_tool_use` + `tool_search_tool_result` pair in the
 * answer) and the model goes on. Sending every deferred tool to another model instead would cost
 * the whole catalog's definitions on every request (what tool search exists to avoid: catalogs run
 * to hundreds of tools, past OpenAI's 128-tool limit). So another model gets the search as a
 * function of the same name; when it calls it, the Anthropic caller receives exactly what
 * Anthropic would have sent — the server_tool_use block and a tool_search_tool_result naming the
 * matches — with `stop_reason: "pause_turn"` when nothing else was called, which Anthropic clients
 * answer by sending the turn back to continue it. On that next request the found tools are loaded
 * (convert-deferred-tools.ts) and offered to the model as ordinary tools, and the search and its
 * result are shown to it as a function call and its result. No state is kept between requests.
 *
 * The regex variant matches case-insensitively (Python's `(?i)` prefix is accepted) against each
 * tool's name, description and parameter names and descriptions, like Anthropic's; the BM25
 * variant ranks the same text against keywords. At most `limit` (default 5) tools are returned.
 */
import type { CanonicalRequest, FinishReason, ToolDefinition } from "../../canonical/types";
import { isRecord, safeJsonParse } from "../../streams/json";
import { toolUseIdForCaller } from "./content-utils";
import { type ToolTableEntry, isDeferred } from "./convert-deferred-tools";

export type SearchVariant = "regex" | "bm25";

export interface GatewayToolSearch {
  /** The search tool's own name, what the model calls (`tool_search_tool_regex`). */
  name: string;
  variant: SearchVariant;
  /** The deferred tools it searches. */
  tools: ToolTableEntry[];
}

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 20;
const MAX_PATTERN = 200;

export function searchVariantOf(type: unknown): SearchVariant | undefined {
  if (typeof type !== "string") return undefined;
  if (type.startsWith("tool_search_tool_regex")) return "regex";
  if (type.startsWith("tool_search_tool_bm25")) return "bm25";
  return undefined;
}

/** The server-side tool search of a request's raw Anthropic tools, when it has deferred tools to search. */
export function findToolSearch(rawTools: unknown): GatewayToolSearch | undefined {
  if (!Array.isArray(rawTools)) return undefined;
  const tools = rawTools.filter(isRecord);
  const server = tools.find((t) => searchVariantOf(t.type) !== undefined && typeof t.name === "string");
  if (!server) return undefined;
  const deferred: ToolTableEntry[] = [];
  for (const t of tools) {
    if (!isDeferred(t) || typeof t.name !== "string" || (t.type != null && t.type !== "custom")) continue;
    deferred.push({ name: t.name, description: typeof t.description === "string" ? t.description : undefined, input_schema: t.input_schema });
  }
  if (deferred.length === 0) return undefined;
  return { name: server.name as string, variant: searchVariantOf(server.type)!, tools: deferred };
}

/** The function that stands for the search with other upstreams. */
export function searchFunction(search: GatewayToolSearch): ToolDefinition {
  const limit = { type: "integer", minimum: 1, maximum: MAX_LIMIT, description: `Most tools to return (default ${DEFAULT_LIMIT}).` };
  const intro = `${search.tools.length} more tools are available but not loaded. Search them by name, description and parameters; the tools found become callable.`;
  if (search.variant === "regex") {
    return {
      name: search.name,
      description: `${intro} Takes a regular expression, matched case-insensitively (e.g. "weather|forecast", "get_.*_data").`,
      parameters: { type: "object", properties: { pattern: { type: "string", description: "A regular expression, at most 200 characters." }, limit }, required: ["pattern"] },
    };
  }
  return {
    name: search.name,
    description: `${intro} Takes keywords or a short description of the capability needed.`,
    parameters: { type: "object", properties: { query: { type: "string", description: "Keywords to search for." }, limit }, required: ["query"] },
  };
}

/** The `content` of a tool_search_tool_result for one search call (references, or an error). */
export function runToolSearch(search: GatewayToolSearch, input: Record<string, unknown>): Record<string, unknown> {
  const raw = search.variant === "regex" ? input.pattern ?? input.query : input.query ?? input.pattern;
  if (typeof raw !== "string" || raw.trim() === "") return searchError(`expected a string '${search.variant === "regex" ? "pattern" : "query"}'`);
  const limit = typeof input.limit === "number" && input.limit >= 1 ? Math.min(Math.floor(input.limit), MAX_LIMIT) : DEFAULT_LIMIT;
  let names: string[];
  if (search.variant === "regex") {
    const pattern = raw.startsWith("(?i)") ? raw.slice(4) : raw;
    if (pattern.length > MAX_PATTERN) return searchError(`the pattern is longer than ${MAX_PATTERN} characters`);
    let re: RegExp;
    try {
      re = new RegExp(pattern, "i");
    } catch (e) {
      return searchError(`invalid regular expression: ${e instanceof Error ? e.message : String(e)}`);
    }
    names = search.tools.filter((t) => fieldsOf(t).some((f) => re.test(f))).map((t) => t.name);
  } else {
    names = bm25(search.tools, raw);
  }
  return { type: "tool_search_tool_search_result", tool_references: names.slice(0, limit).map((tool_name) => ({ type: "tool_reference", tool_name })) };
}

function searchError(message: string): Record<string, unknown> {
  return { type: "tool_search_tool_result_error", error_code: "invalid_tool_input", error_message: message };
}

/** What a search looks at: the name, the description, parameter names and descriptions. */
function fieldsOf(tool: ToolTableEntry): string[] {
  const out = [tool.name];
  if (tool.description) out.push(tool.description);
  const props = isRecord(tool.input_schema) && isRecord(tool.input_schema.properties) ? tool.input_schema.properties : {};
  for (const [name, p] of Object.entries(props)) {
    out.push(name);
    if (isRecord(p) && typeof p.description === "string") out.push(p.description);
  }
  return out;
}

/** Lowercase words; `get_weather` and `getWeather` both give `get`, `weather`. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}

/** Okapi BM25 (k1 1.2, b 0.75) of the query against each tool's text; best first, score > 0 only. */
function bm25(tools: ToolTableEntry[], query: string): string[] {
  const docs = tools.map((t) => words(fieldsOf(t).join(" ")));
  const avg = docs.reduce((n, d) => n + d.length, 0) / Math.max(1, docs.length);
  const terms = [...new Set(words(query))];
  const df = new Map(terms.map((q) => [q, docs.filter((d) => d.includes(q)).length]));
  const scored = docs.map((d, i) => {
    let score = 0;
    for (const q of terms) {
      const tf = d.filter((w) => w === q).length;
      if (tf === 0) continue;
      const n = df.get(q) ?? 0;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avg));
    }
    return { name: tools[i].name, score };
  });
  return scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score).map((s) => s.name);
}

/** A search call's arguments (JSON text) as the server_tool_use input. */
export function searchInput(argumentsJson: string): Record<string, unknown> {
  const parsed = argumentsJson ? safeJsonParse(argumentsJson) : undefined;
  return parsed?.ok && isRecord(parsed.value) ? parsed.value : {};
}

/** The search the caller's request set up for the gateway to answer (EncodeContext.request), if any. */
export function requestToolSearch(req: CanonicalRequest | undefined): GatewayToolSearch | undefined {
  return findToolSearch(req?.extensions?.anthropic?.tools);
}

/**
 * What Anthropic sends for a search call: the `server_tool_use` block (its id keeps the call's
 * own id, and a Gemini thought signature, for the next turn) and the `tool_search_tool_result`.
 */
export function searchBlocks(search: GatewayToolSearch, call: { id: string; thoughtSignature?: string; arguments: string }): [Record<string, unknown>, Record<string, unknown>] {
  const input = searchInput(call.arguments);
  const id = toolUseIdForCaller(`srvtoolu_${call.id}`, call.thoughtSignature);
  return [
    { type: "server_tool_use", id, name: search.name, input, caller: { type: "direct" } },
    { type: "tool_search_tool_result", tool_use_id: id, content: runToolSearch(search, input) },
  ];
}

/**
 * A turn that only searched pauses (`pause_turn`: the client sends it back and the model goes on
 * with the tools found); one that also called the caller's tools stops for them as usual.
 */
export function searchedStopReason(finish: FinishReason, clientToolCalls: boolean): string | undefined {
  return !clientToolCalls && (finish === "tool_calls" || finish === "stop") ? "pause_turn" : undefined;
}
