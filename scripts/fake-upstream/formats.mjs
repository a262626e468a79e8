// Wire formats the fake upstream speaks beyond its three built-in ones (OpenAI chat, Anthropic,
// Gemini, in ../fake-upstream.mjs). One module per protocol; add it to the list below.
//
// A format is an object:
//   name: string
//   handles(provider, rest, method, url, ctx): boolean — ctx is the request context (body included,
//       for protocols told apart by the body, e.g. chat with `modalities`); provider is the first path segment after the
//       optional /s/<session> prefix (e.g. "bedrock", "openai"); rest is the remainder of the path.
//   plan(ctx, override): Plan — the default answer (ctx: {provider, rest, method, url, body,
//       rawLen, headers, cfg, analysis?}; override: null or {textPieces} for sized answers).
//   errorPlan(status, message): Plan — an error body in the protocol's own shape.
//   eventsPlan?(ctx, events): Plan — a scripted step's `events` encoded in the protocol's framing
//       (for binary streams that a step's text `chunks` cannot express).
//   streams?(ctx): boolean — whether the request asks for a stream (for `size` steps).
// A Plan is {status, headers, chunks: (string|Uint8Array)[], single?: boolean}; the server writes
// the chunks in order (with the session's pacing and faults). Shared helpers (analyze,
// planAnswer, errorPlan, J, rid…) are exported by ../fake-upstream.mjs.

import { aiGatewayFormat } from "./ai-gateway.mjs";
import { azureFormat } from "./azure.mjs";
import { bedrockFormat } from "./bedrock.mjs";
import { googleOAuthFormat } from "./google-oauth.mjs";
import { audioFormat } from "./media-audio.mjs";
import { mediaChatFormat } from "./media-chat.mjs";
import { imagesFormat } from "./media-images.mjs";
import { responsesFormat } from "./responses.mjs";
import { vertexFormat } from "./vertex.mjs";
import { workersAiFormat } from "./workers-ai.mjs";

// Provider-specific protocols first; the Responses API answers any provider's `…/responses` path.
// Media APIs (images, audio, chat answers with image/audio output) come after the cloud protocols.
export const EXTRA_FORMATS = [
  bedrockFormat, vertexFormat, googleOAuthFormat, azureFormat, workersAiFormat, aiGatewayFormat, imagesFormat, audioFormat, mediaChatFormat, responsesFormat,
];
