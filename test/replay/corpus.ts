/**
 * The replay corpus: every file under the shared recorded fixtures (../shared/fixtures) in the
 * chat folders, read through the fake upstream's file API (tests run inside workerd, no node:fs),
 * and classified into replay units or explicit skips.
 *
 * Classification uses the file's content first (what a decoder would actually see), then the
 * SOURCES.md description and the .meta.json sidecar (status, request URI) to tell apart bodies
 * that look alike (count_tokens vs messages, cachedContents vs generateContent). Every file ends up
 * either as one or more units or as a skip with a reason; nothing is dropped silently.
 */
import { listSharedFixtures, readSharedFixture, sharedFixturesAvailable } from "../helpers/fake-upstream";

export type Wire = "openai" | "anthropic" | "gemini" | "responses";

/** Fixture folder → the wire format its bodies are in. */
export const FOLDERS: Record<string, Wire> = {
  anthropic: "anthropic",
  google: "gemini",
  "openai-chat": "openai",
  "openai-chat-compatible": "openai",
  "openai-responses": "responses",
};

export type UnitKind = "response" | "stream" | "error" | "count-tokens";
/** recorded = verbatim capture; constructed = hand-built/edited (SOURCES.md flag); docs = documentation example; wrapper = body extracted from a test-metadata wrapper. */
export type Origin = "recorded" | "constructed" | "docs" | "wrapper";
export type StreamFraming = "sse" | "chunks" | "json-array";

export interface ReplayUnit {
  /** File path, plus `#<json path>` for a body extracted from a wrapper. */
  name: string;
  file: string;
  folder: string;
  wire: Wire;
  kind: UnitKind;
  origin: Origin;
  /** HTTP status the body was served with (meta sidecar, wrapper, or 200). */
  status: number;
  /** The body text (JSON text for wrapper-extracted bodies). */
  text: string;
  framing?: StreamFraming;
  /** SOURCES.md description (for cross-checks). */
  description: string;
}

export interface SkippedFile {
  file: string;
  folder: string;
  reason: string;
}

export interface Corpus {
  units: ReplayUnit[];
  skipped: SkippedFile[];
  /** Files that could not be classified at all (the suite fails on any). */
  unclassified: SkippedFile[];
  /** Every file seen per folder (sidecars included). */
  filesPerFolder: Record<string, number>;
}

type Json = unknown;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** SOURCES.md tables: `| \`file\` | origin | description |` under `## <folder>/ — …` headings. */
export function parseSources(md: string): Map<string, string> {
  const out = new Map<string, string>();
  let section: string | undefined;
  for (const line of md.split("\n")) {
    const h = /^## ([^\s/]+)\//.exec(line);
    if (h) {
      section = h[1];
      continue;
    }
    if (!section || !line.startsWith("| `")) continue;
    const cells = line.split(" | ");
    const file = cells[0].slice(3, -1);
    out.set(`${section}/${file}`, cells.slice(2).join(" | ").replace(/\|\s*$/, "").trim());
  }
  return out;
}

export function looksLikeError(v: Json): boolean {
  if (Array.isArray(v) && v.length === 1) return looksLikeError(v[0]);
  return isRecord(v) && (v.type === "error" || isRecord(v.error));
}

export function looksLikeSuccess(wire: Wire, v: Json): boolean {
  if (!isRecord(v) || isRecord(v.error)) return false;
  switch (wire) {
    case "openai":
      return Array.isArray(v.choices);
    case "anthropic":
      return v.type === "message" || (Array.isArray(v.content) && v.role === "assistant");
    case "gemini":
      return Array.isArray(v.candidates) || isRecord(v.promptFeedback);
    case "responses":
      return v.object === "response" || (Array.isArray(v.output) && (typeof v.status === "string" || typeof v.model === "string"));
  }
}

function statusOf(v: unknown): number | undefined {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 100 && n < 600 ? n : undefined;
}

/** Bodies embedded in a test-metadata wrapper, with their JSON path and status. */
export function extractWrapped(wire: Wire, root: Json): Array<{ path: string; body: Json; status?: number }> {
  const found: Array<{ path: string; body: Json; status?: number }> = [];
  const SKIP_KEYS = /^(request|requestBody|requestBodies|sdkResult|result|input|providerOptions)$/;
  const walk = (node: Json, path: string, siblingStatus?: number) => {
    if (Array.isArray(node)) {
      node.forEach((el, i) => walk(el, `${path}[${i}]`, siblingStatus));
      return;
    }
    if (!isRecord(node)) return;
    if (path !== "" && (looksLikeSuccess(wire, node) || looksLikeError(node))) {
      found.push({ path, body: node, status: siblingStatus });
      return;
    }
    const status = statusOf(node.status) ?? statusOf(node.responseStatus);
    for (const [k, v] of Object.entries(node)) {
      if (SKIP_KEYS.test(k)) continue;
      walk(v, `${path}.${k}`, status);
    }
  };
  walk(root, "");
  return found;
}

function framingOf(file: string, text: string): StreamFraming | undefined {
  if (file.endsWith(".sse")) return "sse";
  if (file.endsWith(".jsonstream")) return "json-array";
  if (file.endsWith(".chunks.txt")) {
    // A few vercel files are raw SSE rather than one payload per line (SOURCES.md: "raw SSE").
    const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
    return /^(data|event):/.test(first) ? "sse" : "chunks";
  }
  return undefined;
}

function originOf(description: string): Origin {
  if (description.includes("CONSTRUCTED/EDITED")) return "constructed";
  if (description.includes("DOCS EXAMPLE")) return "docs";
  return "recorded";
}

export function classify(
  file: string,
  text: string,
  description: string | undefined,
  meta: Json,
): { units: ReplayUnit[]; skip?: string; unclassified?: string } {
  const folder = file.split("/")[0];
  const wire = FOLDERS[folder];
  if (file.endsWith(".meta.json")) return { units: [], skip: "sidecar .meta.json (status/request of its body file, read with it)" };
  if (description === undefined) return { units: [], unclassified: "not described in SOURCES.md" };
  const origin = originOf(description);
  const metaResponse = isRecord(meta) && isRecord(meta.response) ? meta.response : undefined;
  const metaUri = isRecord(meta) && isRecord(meta.request) && typeof meta.request.uri === "string" ? meta.request.uri : "";
  const metaStatus = statusOf(metaResponse?.status);
  const base = { file, folder, wire, origin, description };

  const framing = framingOf(file, text);
  if (framing && wire === "responses") {
    // Some recordings hold several consecutive responses (one per turn of a tool loop).
    const turns = splitResponsesTurns(text, framing);
    return { units: turns.map((t, i) => ({ ...base, name: turns.length > 1 ? `${file}#${i + 1}` : file, kind: "stream" as const, status: metaStatus ?? 200, text: t, framing })) };
  }
  if (framing) return { units: [{ ...base, name: file, kind: "stream", status: metaStatus ?? 200, text, framing }] };
  if (!file.endsWith(".json")) return { units: [], unclassified: "unknown file type" };

  let body: Json;
  try {
    body = JSON.parse(text);
  } catch {
    return { units: [], unclassified: "a .json file that is not JSON" };
  }
  if (description.startsWith("WRAPPER")) {
    const bodies = extractWrapped(wire, body);
    if (bodies.length === 0) return { units: [], unclassified: "WRAPPER without an embedded response or error body" };
    return {
      units: bodies.map(({ path, body: b, status }) => ({
        ...base,
        origin: "wrapper" as const,
        name: `${file}#${path}`,
        kind: looksLikeError(b) ? ("error" as const) : ("response" as const),
        status: status ?? (looksLikeError(b) ? 400 : 200),
        text: JSON.stringify(b),
      })),
    };
  }
  if (description.startsWith("METADATA")) return { units: [], skip: "METADATA file (request/headers of a paired stream, no response body)" };
  if (looksLikeError(body)) {
    const code = isRecord(body) && isRecord(body.error) ? statusOf(body.error.code) : undefined;
    return { units: [{ ...base, name: file, kind: "error", status: metaStatus ?? code ?? 400, text }] };
  }
  if (/count_tokens|:countTokens|input_tokens/.test(metaUri) || /count_tokens response|countTokens response|input_tokens/.test(description)) {
    return { units: [{ ...base, name: file, kind: "count-tokens", status: metaStatus ?? 200, text }] };
  }
  if (isRecord(body) && (Array.isArray(body.embeddings) || isRecord(body.embedding))) {
    return { units: [], skip: "embeddings response (not a generation; covered by test/embeddings)" };
  }
  if (/\/cachedContents/.test(metaUri) || description.includes("cachedContents resource")) {
    return { units: [], skip: "cachedContents resource (context-cache management, not a generation)" };
  }
  if (wire === "responses" && isRecord(body) && (body.status === "queued" || body.status === "in_progress")) {
    return { units: [], skip: "background-mode snapshot (a queued response, polled later; the gateway refuses background)" };
  }
  if (looksLikeSuccess(wire, body)) return { units: [{ ...base, name: file, kind: "response", status: metaStatus ?? 200, text }] };
  if (isRecord(body) && (Array.isArray(body.messages) || Array.isArray(body.contents))) {
    return { units: [], skip: "request body (nothing to decode as a response)" };
  }
  return { units: [], unclassified: "JSON that is neither a response, an error, a wrapper nor a known side resource" };
}

const RESPONSES_TERMINAL = /"type":\s*"response\.(completed|incomplete|failed)"/;
const RESPONSES_CREATED = /"type":\s*"response\.created"/;

/** A Responses stream recording cut into its responses: a response.created after a terminal event starts the next. */
export function splitResponsesTurns(text: string, framing: StreamFraming): string[] {
  const sep = framing === "chunks" ? "\n" : "\n\n";
  const pieces = framing === "chunks" ? text.split("\n") : text.replace(/\r\n/g, "\n").split(/\n\n+/);
  const turns: string[][] = [[]];
  let ended = false;
  for (const piece of pieces) {
    if (piece.trim() === "") continue;
    if (ended && RESPONSES_CREATED.test(piece)) {
      turns.push([]);
      ended = false;
    }
    turns[turns.length - 1].push(piece);
    if (RESPONSES_TERMINAL.test(piece)) ended = true;
  }
  return turns.map((t) => t.join(sep) + sep);
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Loads and classifies the corpus; an empty corpus when the shared folder is absent. */
export async function loadCorpus(): Promise<Corpus> {
  const corpus: Corpus = { units: [], skipped: [], unclassified: [], filesPerFolder: {} };
  if (!sharedFixturesAvailable()) return corpus;
  const all = await listSharedFixtures();
  const files = all.filter((f) => FOLDERS[f.split("/")[0]] !== undefined).sort();
  const sources = parseSources(await readSharedFixture("SOURCES.md"));
  const texts = new Map<string, string>();
  await mapLimit(files, 16, async (f) => texts.set(f, await readSharedFixture(f)));
  for (const file of files) {
    const folder = file.split("/")[0];
    corpus.filesPerFolder[folder] = (corpus.filesPerFolder[folder] ?? 0) + 1;
    const metaFile = file.replace(/\.(json|sse|jsonstream)$/, ".meta.json");
    let meta: Json;
    if (metaFile !== file && texts.has(metaFile)) {
      try {
        meta = JSON.parse(texts.get(metaFile)!);
      } catch {
        meta = undefined;
      }
    }
    const r = classify(file, texts.get(file)!, sources.get(file), meta);
    corpus.units.push(...r.units);
    if (r.skip) corpus.skipped.push({ file, folder, reason: r.skip });
    if (r.unclassified) corpus.unclassified.push({ file, folder, reason: r.unclassified });
  }
  return corpus;
}

/** Loads and classifies a few named files (for targeted replays). */
export async function loadUnits(files: string[]): Promise<Map<string, ReplayUnit>> {
  const out = new Map<string, ReplayUnit>();
  if (!sharedFixturesAvailable()) return out;
  const sources = parseSources(await readSharedFixture("SOURCES.md"));
  const available = new Set(await listSharedFixtures());
  for (const file of files) {
    const metaFile = file.replace(/\.(json|sse|jsonstream)$/, ".meta.json");
    const meta = metaFile !== file && available.has(metaFile) ? (JSON.parse(await readSharedFixture(metaFile)) as Json) : undefined;
    const r = classify(file, await readSharedFixture(file), sources.get(file), meta);
    if (r.units.length !== 1) throw new Error(`${file}: expected one replay unit, got ${r.units.length} (${r.skip ?? r.unclassified ?? ""})`);
    out.set(file, r.units[0]);
  }
  return out;
}
