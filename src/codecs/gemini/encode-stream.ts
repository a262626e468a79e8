/**
 * Canonical events → a Gemini stream for a Gemini caller, in either framing:
 * - "sse" (alt=sse): `data: <json>\r\n\r\n`, exactly as Google frames it;
 * - "json-array" (default streamGenerateContent): `[<json>\n,\r\n<json>\n]`.
 * Each chunk is a full GenerateContentResponse carrying the running usage, like Google's.
 * Function calls are emitted whole (Gemini never streams arguments): a call's argument deltas are
 * buffered until the call is complete (next call, other content, finish, or end). The finish
 * chunk is written in flush() because usage may still arrive after the finish event.
 *
 * No SSE comment is ever written: @google/genai before 2.x (inside Gemini CLI 0.61) reads an SSE
 * stream as nothing but `data:` events (/^\s*data: (.*)(?:\n\n|\r\r|\r\n\r\n)/), so a
 * comment before the first chunk hides every chunk and one at the end fails the stream ("Incomplete
 * JSON segment at the end"). Keep-alives are blank lines, which that pattern and every SSE parser
 * skip; `comment` events (a same-format stream's cost) are dropped, as in the array framing.
 *
 * Written as a SyncTransformer (see streams/sync-transformer.ts). Each chunk is built as one
 * string, byte-identical to JSON.stringify of the chunk object: the candidate is serialized per
 * chunk, the usage/model/id tail only when usage or model change.
 */
import { emptyUsage, type FinishReason, type StreamEvent, type Usage } from "../../canonical/types";
import { type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import type { EncodeContext } from "../codec";
import { functionCallPart } from "./encode-response";
import { geminiErrorBody } from "./errors";
import { toGeminiFinishReason } from "./map-gemini-finish-reason";
import { usageToGemini } from "./usage";
import { audioMimeOf } from "./media-output";

const bytes = new TextEncoder();

type Emit = (chunk: Uint8Array) => void;

interface PendingCall {
  index: number;
  id: string;
  name: string;
  thoughtSignature?: string;
  args: string;
}

class GeminiStreamEncoder implements SyncTransformer<StreamEvent, Uint8Array> {
  private readonly sse: boolean;
  private readonly includeReasoning: boolean;
  private model: string;
  private usage: Usage = emptyUsage();
  /** `"usageMetadata":…,"modelVersion":…,"responseId":…}`; "" = to be rebuilt. */
  private tail = "";
  private opened = false; // json-array: "[" written
  private elements = 0;
  private ended = false; // an error was written; the stream is over
  private pending: PendingCall | undefined;
  private finish: { reason: FinishReason; native?: string } | undefined;

  constructor(private readonly ctx: EncodeContext) {
    this.sse = ctx.framing === "sse";
    this.includeReasoning = ctx.includeReasoning !== false;
    this.model = ctx.model;
  }

  private writeElement(emit: Emit, json: string): void {
    if (this.sse) emit(bytes.encode(`data: ${json}\r\n\r\n`));
    else {
      const prefix = !this.opened ? "[" : this.elements > 0 ? "\n,\r\n" : "";
      this.opened = true;
      emit(bytes.encode(prefix + json));
    }
    this.elements++;
  }

  /**
   * `{candidates:[{content:{role:"model",parts},finishReason?,index:0}],usageMetadata,modelVersion,responseId}`.
   * The last chunk's usageMetadata also carries the cost (USD) of the final usage.
   */
  private writeChunk(emit: Emit, partsJson: string, final?: { finishReason?: string }): void {
    const finishReason = final?.finishReason;
    if (this.tail === "" || final) {
      const usageMetadata = usageToGemini(this.usage, final ? this.ctx.cost?.(this.usage) : undefined);
      this.tail = JSON.stringify({ usageMetadata, modelVersion: this.model, responseId: this.ctx.id }).slice(1);
    }
    const finish = finishReason ? `,"finishReason":${JSON.stringify(finishReason)}` : "";
    this.writeElement(emit, `{"candidates":[{"content":{"role":"model","parts":${partsJson}}${finish},"index":0}],${this.tail}`);
  }

  private flushCall(emit: Emit): void {
    const call = this.pending;
    if (!call) return;
    this.writeChunk(emit, JSON.stringify([functionCallPart(call.id, call.name, call.args, call.thoughtSignature)]));
    this.pending = undefined;
  }

  private closeArray(emit: Emit): void {
    if (!this.sse) emit(bytes.encode(`${this.opened ? "" : "["}\n]`));
  }

  transform(event: StreamEvent, emit: Emit): void {
    if (this.ended) return;
    switch (event.type) {
      case "start":
        if (event.model) {
          this.model = event.model;
          this.tail = "";
        }
        if (event.usage) {
          this.usage = event.usage;
          this.tail = "";
        }
        break;
      case "text-delta":
        if (event.text === "") break;
        this.flushCall(emit);
        this.writeChunk(emit, `[{"text":${JSON.stringify(event.text)}}]`);
        break;
      case "reasoning-delta":
        if (!this.includeReasoning || event.text === "") break;
        this.flushCall(emit);
        this.writeChunk(emit, `[{"text":${JSON.stringify(event.text)},"thought":true}]`);
        break;
      case "image":
        this.flushCall(emit);
        this.writeChunk(emit, JSON.stringify([{ inlineData: { mimeType: event.mediaType, data: event.data } }]));
        break;
      case "audio-delta":
        // Transcript pieces have no place in Gemini's answer; the audio is its inlineData.
        if (!event.data) break;
        this.flushCall(emit);
        this.writeChunk(emit, JSON.stringify([{ inlineData: { mimeType: audioMimeOf(event.format ?? "pcm16"), data: event.data } }]));
        break;
      case "tool-call-start":
        this.flushCall(emit);
        this.pending = { index: event.index, id: event.id, name: event.name, args: "" };
        if (event.thoughtSignature) this.pending.thoughtSignature = event.thoughtSignature;
        break;
      case "tool-call-delta":
        if (this.pending && this.pending.index === event.index) this.pending.args += event.argumentsDelta;
        break;
      case "usage":
        this.usage = event.usage;
        this.tail = "";
        break;
      case "finish":
        this.flushCall(emit);
        this.finish = { reason: event.finishReason, native: event.nativeFinishReason };
        break;
      case "comment":
        // No comments in either framing (see the header): Gemini's SDKs do not all skip them.
        break;
      case "keep-alive":
        // Whitespace: blank lines in SSE, whitespace between elements in the array (both ignored).
        if (this.sse) emit(bytes.encode("\r\n"));
        else {
          emit(bytes.encode(this.opened ? "\n" : "[\n"));
          this.opened = true;
        }
        break;
      case "error":
        this.pending = undefined; // half-streamed arguments are not a usable call
        this.writeElement(emit, JSON.stringify(geminiErrorBody(event.status, event.message)));
        this.closeArray(emit);
        this.ended = true;
        break;
      // reasoning-signature / reasoning-redacted: Anthropic artefacts a Gemini caller cannot send back.
    }
  }

  flush(emit: Emit): void {
    if (this.ended) return;
    this.flushCall(emit);
    this.writeChunk(emit, '[{"text":""}]', { finishReason: this.finish ? toGeminiFinishReason(this.finish.reason, this.finish.native) : undefined });
    this.closeArray(emit);
  }
}

/** Canonical events → Gemini stream bytes (ctx.framing), as a synchronous stage. */
export function geminiStreamEncoder(ctx: EncodeContext): SyncTransformer<StreamEvent, Uint8Array> {
  return new GeminiStreamEncoder(ctx);
}

export function encodeGeminiStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array> {
  return toTransformStream(geminiStreamEncoder(ctx));
}
