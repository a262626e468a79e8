/**
 * What a Gemini request may cost beyond its size and maxOutputTokens (see UnseenCosts in
 * codec.ts), read from what only a Gemini upstream receives:
 * - media by `fileData` URL (a video can be hundreds of thousands of tokens) and `urlContext` /
 *   `fileSearch` tools: the upstream reads content of unknown size;
 * - `codeExecution`: Google runs the model's code and lets it try again, up to
 *   CODE_EXECUTION_TURNS times per request, each turn reading the conversation again;
 * - Google Search / Maps grounding: billed per search query the model decides to run, and no
 *   request field caps how many — so no worst case exists;
 * - `serviceTier: priority` (75–100 % above the standard price);
 * - built-in tools this gateway does not know.
 */
import { hasRemoteFiles } from "../../canonical/remote-content";
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import type { UnseenCosts } from "../codec";
import { readGeminiExtensions } from "./extensions";

/** Google's documented limit on code-execution retries within one request. */
const CODE_EXECUTION_TURNS = 5;
const GROUNDING = new Set(["googleSearch", "googleSearchRetrieval", "enterpriseWebSearch", "googleMaps"]);
const READS_CONTENT = new Set(["urlContext", "fileSearch"]);
/** Tools the client runs (the model only asks): no server cost. */
const CLIENT_TOOLS = new Set(["computerUse"]);

export function geminiUnseenCosts(req: CanonicalRequest): UnseenCosts {
  const ext = readGeminiExtensions(req);
  const out: Required<UnseenCosts> = { remoteContent: hasRemoteFiles(req) || rawFileData(ext.contents), serverToolUses: 0, searches: 0, unpriceable: [], imageOutputTokens: 0 };
  for (const tool of ext.tools ?? []) {
    for (const name of Object.keys(tool)) {
      if (GROUNDING.has(name)) out.unpriceable.push(`${name} (Google bills each search query the model runs; no request field caps them)`);
      else if (READS_CONTENT.has(name)) out.remoteContent = true;
      else if (name === "codeExecution") out.serverToolUses += CODE_EXECUTION_TURNS;
      else if (!CLIENT_TOOLS.has(name)) out.unpriceable.push(`built-in tool '${name}'`);
    }
  }
  const tier = typeof ext.serviceTier === "string" ? ext.serviceTier.toLowerCase() : undefined;
  if (tier !== undefined && tier.includes("priority")) out.unpriceable.push(`serviceTier '${String(ext.serviceTier)}' (priced above the standard tier)`);
  return out;
}

/** fileData in raw contents kept for a Gemini upstream (parts that did not decode to canonical ones). */
function rawFileData(contents: unknown): boolean {
  if (!Array.isArray(contents)) return false;
  return contents.some(
    (c) => isRecord(c) && Array.isArray(c.parts) && c.parts.some((p) => isRecord(p) && (isRecord(p.fileData) || isRecord(p.file_data))),
  );
}
