/**
 * Replay suite: every recorded response and stream under ../shared/fixtures (anthropic, google,
 * openai-chat, openai-chat-compatible, openai-responses) goes through its upstream decoder, then
 * out through EACH caller format (OpenAI chat, Anthropic messages, Gemini generateContent, OpenAI
 * Responses; streams also in both Gemini framings), is validated against that format's schema and
 * framing, and is decoded back
 * with the caller format's own decoder to prove nothing was lost: text, tool calls (names,
 * arguments, ids, Gemini thought signatures), reasoning text, signatures and encrypted reasoning
 * where the format can carry them, usage, finish reason. Responses recordings that hold several
 * turns are replayed turn by turn. Expectations are computed from the raw recording
 * (expect.ts), not from the decoder under test. Streams are fed at awkward byte boundaries.
 *
 * Error bodies must yield their message through decodeError (and make decodeResponse throw);
 * count_tokens bodies their count. Files that are not chat bodies are skipped with a reason and
 * reported; the suite fails on any file it cannot classify.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { StreamEvent } from "../../src/canonical/types";
import { anthropicResponseSchema } from "../../src/codecs/anthropic";
import { geminiResponseSchema } from "../../src/codecs/gemini";
import { openaiResponseSchema } from "../../src/codecs/openai";
import { responsesResponseSchema } from "../../src/codecs/responses";
import { UpstreamError } from "../../src/errors/gateway-error";
import { describeWithSharedFixtures } from "../helpers/fake-upstream";
import { FOLDERS, loadCorpus, type ReplayUnit, type Wire } from "./corpus";
import { expectedErrorMessage, expectedFromResponse, expectedFromStream, summarizeEvents, summarizeResponse, wireBody, type Outcome } from "./expect";
import {
  checkFraming,
  CODECS,
  decodeBytes,
  decoderFor,
  encodeCtx,
  encodeEvents,
  expectPreserved,
  RESPONSE_TARGETS,
  STREAM_TARGETS,
  withDecodedIds,
  wireOf,
} from "./harness";

const corpus = await loadCorpus();

const RESPONSE_SCHEMAS: Record<Wire, { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } }> = {
  openai: openaiResponseSchema,
  anthropic: anthropicResponseSchema,
  gemini: geminiResponseSchema,
  responses: responsesResponseSchema,
};

/** folder → column → count of units that passed that replay. */
const tally: Record<string, Record<string, number>> = {};
const count = (unit: ReplayUnit, column: string) => {
  const row = (tally[unit.folder] ??= {});
  row[column] = (row[column] ?? 0) + 1;
};

const seedOf = (name: string) => {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
};

/** The canonical stream contract (src/canonical/types.ts) every decoder must honour. */
function checkEventContract(events: StreamEvent[], label: string): void {
  expect(events[0]?.type, `${label}: first event`).toMatch(/^(start|error)$/);
  const starts = new Set<number>();
  let finishes = 0;
  events.forEach((e, i) => {
    if (e.type === "tool-call-start") {
      expect(starts.has(e.index), `${label}: tool call index ${e.index} started twice`).toBe(false);
      starts.add(e.index);
    }
    if (e.type === "tool-call-delta") expect(starts.has(e.index), `${label}: delta before start of call ${e.index}`).toBe(true);
    if (e.type === "finish") finishes++;
    if (e.type === "error") expect(i, `${label}: events after the error event`).toBe(events.length - 1);
  });
  expect(finishes, `${label}: finish events`).toBeLessThanOrEqual(1);
  if (!events.some((e) => e.type === "error")) expect(finishes, `${label}: a completed stream has one finish`).toBe(1);
}

/** A Responses answer has no "completed, but with an error" state: such a stop is a failed response. */
const failsAsResponses = (target: Wire, expected: Outcome) => target === "responses" && !expected.error && expected.finish === "error";

function replayResponse(unit: ReplayUnit): void {
  const body = JSON.parse(unit.text) as unknown;
  const expected0 = expectedFromResponse(unit.wire, body);
  const canonical = CODECS[unit.wire].decodeResponse(body);
  const decoded = summarizeResponse(canonical);
  expectPreserved(decoded, expected0, unit.wire, `${unit.wire} decodeResponse`);
  const expected = withDecodedIds(expected0, decoded);
  count(unit, "responses decoded");
  for (const target of RESPONSE_TARGETS) {
    const label = `response → ${target}`;
    const out = JSON.parse(JSON.stringify(CODECS[target].encodeResponse(canonical, encodeCtx(target)))) as unknown;
    const valid = RESPONSE_SCHEMAS[target].safeParse(out);
    expect(valid.success, `${label}: schema ${JSON.stringify(valid.error?.issues.slice(0, 3))}`).toBe(true);
    if (failsAsResponses(target, expected)) {
      // A Responses answer that stopped with an error is a failed response: its decoder throws.
      expect(() => CODECS[target].decodeResponse(out), label).toThrow(UpstreamError);
      count(unit, `response→${target}`);
      continue;
    }
    expectPreserved(summarizeResponse(CODECS[target].decodeResponse(out)), expected, target, label);
    count(unit, `response→${target}`);
  }
}

async function replayStream(unit: ReplayUnit): Promise<void> {
  const body = wireBody(unit);
  const expected0 = expectedFromStream(unit);
  const seed = seedOf(unit.name);
  const upstream = () => decoderFor(unit.wire, unit.framing === "json-array");
  const whole = await decodeBytes(body, upstream, false);
  const split = await decodeBytes(body, upstream, true, seed);
  checkEventContract(split, "decodeStream");
  expectPreserved(summarizeEvents(whole), expected0, unit.wire, `${unit.wire} decodeStream (one chunk)`);
  const decoded = summarizeEvents(split);
  expectPreserved(decoded, expected0, unit.wire, `${unit.wire} decodeStream (awkward splits)`);
  const expected = withDecodedIds(expected0, decoded);
  count(unit, expected.error ? "streams decoded (error)" : "streams decoded");
  for (const target of STREAM_TARGETS) {
    const label = `stream → ${target}`;
    const out = await encodeEvents(split, target);
    const failed = failsAsResponses(wireOf(target), expected);
    try {
      checkFraming(target, out, expected.error !== undefined || failed);
    } catch (e) {
      throw new Error(`${label}: ${(e as Error).message}`);
    }
    const back = await decodeBytes(out, () => decoderFor(target), true, seed + 1);
    checkEventContract(back, `${label} decoded back`);
    expectPreserved(summarizeEvents(back), failed ? { ...expected, error: {} } : expected, wireOf(target), label);
    count(unit, `stream→${target}`);
  }
}

function replayError(unit: ReplayUnit): void {
  const body = JSON.parse(unit.text) as Record<string, any>;
  const want = expectedErrorMessage(body);
  expect(want, "the recording carries an error message").toBeTruthy();
  const codec = CODECS[unit.wire];
  const info = codec.decodeError(unit.status, unit.text);
  expect(info.message).toBe(want);
  expect(info.raw).toEqual(body);
  const e = Array.isArray(body) ? body[0].error : body.error;
  const wantType = unit.wire === "gemini" ? e.status : unit.wire === "anthropic" ? e.type : typeof e.type === "string" && e.type ? e.type : e.code;
  if (typeof wantType === "string") expect(info.type).toBe(wantType);
  // An error body is never mistaken for an answer, even when it came with HTTP 200 (Azure content filter).
  let thrown: unknown;
  try {
    codec.decodeResponse(body);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(UpstreamError);
  expect((thrown as UpstreamError).message).toContain(want);
  count(unit, "error bodies");
}

function replayCountTokens(unit: ReplayUnit): void {
  const body = JSON.parse(unit.text) as Record<string, unknown>;
  const want = unit.wire === "anthropic" || unit.wire === "responses" ? body.input_tokens : body.totalTokens;
  expect(typeof want).toBe("number");
  const decode = CODECS[unit.wire].decodeCountTokensResponse;
  expect(decode, `${unit.wire} has a count-tokens decoder`).toBeDefined();
  expect(decode!(body)).toBe(want);
  count(unit, "count_tokens");
}

function report(): string {
  const lines = ["", "Replay report (shared fixtures → codecs)"];
  const columns = [...new Set(Object.values(tally).flatMap((r) => Object.keys(r)))].sort();
  lines.push(["folder (files)", ...columns].join(" | "));
  for (const folder of Object.keys(FOLDERS)) {
    const row = tally[folder] ?? {};
    lines.push([`${folder} (${corpus.filesPerFolder[folder] ?? 0})`, ...columns.map((c) => String(row[c] ?? 0))].join(" | "));
  }
  const reasons = new Map<string, string[]>();
  for (const s of corpus.skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.file]);
  lines.push(`Skipped: ${corpus.skipped.length} files`);
  for (const [reason, files] of reasons) {
    lines.push(`  ${files.length} × ${reason}${files.length <= 6 ? `: ${files.join(", ")}` : ""}`);
  }
  const origins = new Map<string, number>();
  for (const u of corpus.units) origins.set(u.origin, (origins.get(u.origin) ?? 0) + 1);
  lines.push(`Units by origin: ${[...origins].map(([o, n]) => `${o}=${n}`).join(", ")}`);
  return lines.join("\n");
}

const units = (kind: ReplayUnit["kind"]) => corpus.units.filter((u) => u.kind === kind);

describeWithSharedFixtures("replay: shared recordings through every codec", () => {
  afterAll(() => {
    if (Object.keys(tally).length > 0) console.log(report());
  });

  it("classifies every file in the chat folders", () => {
    expect(corpus.unclassified).toEqual([]);
    for (const folder of Object.keys(FOLDERS)) expect(corpus.filesPerFolder[folder] ?? 0, folder).toBeGreaterThan(0);
    // The content-based classification agrees with SOURCES.md's description of each file.
    for (const u of corpus.units) {
      if (u.origin === "wrapper") continue;
      const d = u.description;
      const ok =
        u.kind === "error" ? /error body/.test(d) : u.kind === "stream" ? /stream/i.test(d) : u.kind === "count-tokens" ? /count_?tokens response|input_tokens/i.test(d) : /non-stream/.test(d);
      expect(ok, `${u.name} classified as ${u.kind} but described as: ${d.slice(0, 120)}`).toBe(true);
    }
    // Wrappers yield embedded bodies, never nothing.
    expect(corpus.units.filter((u) => u.origin === "wrapper").length).toBeGreaterThan(0);
    for (const s of corpus.skipped) expect(s.reason).toMatch(/^(sidecar|embeddings response|cachedContents resource|METADATA file|request body|background-mode snapshot)/);
  });

  describe("non-streamed responses → openai / anthropic / gemini / responses", () => {
    for (const unit of units("response")) it(unit.name, () => replayResponse(unit));
  });

  describe("streams → openai / anthropic / gemini (sse + json array) / responses", () => {
    for (const unit of units("stream")) it(unit.name, () => replayStream(unit));
  });

  describe("error bodies", () => {
    for (const unit of units("error")) it(unit.name, () => replayError(unit));
  });

  describe("count_tokens bodies", () => {
    for (const unit of units("count-tokens")) it(unit.name, () => replayCountTokens(unit));
  });
});
