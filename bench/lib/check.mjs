// Is a Worker's answer right? Before any load, each Worker's answer to each scenario is read in
// its wire format: the generated text, the finish reason and whether usage came back. The text
// must equal what the fake upstream sent (read from the pass-through's raw answer), so every
// Worker compared did the whole job: a baseline that dropped or garbled content would look cheap.
import { MARKER } from "./scenarios.mjs";

/** `data:` payloads of an SSE body (the bench's own reader: the answers are small and complete). */
function sseData(body) {
  const out = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((l) => l.startsWith("data:"));
    if (lines.length) out.push(lines.map((l) => l.slice(5).replace(/^ /, "")).join("\n"));
  }
  return out;
}

const parse = (s) => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** Folds a stream's JSON events into {text, finish, usage, events, done}; `[DONE]` ends OpenAI's. */
function readSse(body, visit) {
  const st = { text: "", finish: null, usage: false, events: 0, done: false };
  for (const d of sseData(body)) {
    if (d === "[DONE]") {
      st.done = true;
      continue;
    }
    const j = parse(d);
    if (!j) continue;
    st.events++;
    visit(j, st);
  }
  return st;
}

const READERS = {
  "openai-json"(body) {
    const j = parse(body);
    const c = j?.choices?.[0];
    return { text: c?.message?.content ?? null, finish: c?.finish_reason ?? null, usage: !!j?.usage, events: 1 };
  },
  "openai-sse": (body) =>
    readSse(body, (j, st) => {
      const c = j.choices?.[0];
      if (typeof c?.delta?.content === "string") st.text += c.delta.content;
      if (c?.finish_reason) st.finish = c.finish_reason;
      if (j.usage) st.usage = true;
    }),
  "anthropic-sse": (body) =>
    readSse(body, (j, st) => {
      if (j.type === "content_block_delta" && j.delta?.type === "text_delta") st.text += j.delta.text;
      if (j.type === "message_delta") {
        st.finish = j.delta?.stop_reason ?? st.finish;
        st.usage = st.usage || !!j.usage;
      }
      if (j.type === "message_stop") st.done = true;
    }),
  "gemini-sse": (body) =>
    readSse(body, (j, st) => {
      for (const p of j.candidates?.[0]?.content?.parts ?? []) if (typeof p.text === "string") st.text += p.text;
      st.finish = j.candidates?.[0]?.finishReason ?? st.finish;
      st.done = st.finish !== null; // Gemini streams simply end; the last event carries finishReason
      if (j.usageMetadata) st.usage = true;
    }),
  "models-json"(body) {
    const j = parse(body);
    const ok = Array.isArray(j?.data) && j.data.every((m) => typeof m?.id === "string" && m.pricing !== undefined);
    return { text: null, models: ok ? j.data.length : null, events: 1 };
  },
};

/** The answer's content in its format, plus the body's size. */
export function readAnswer(format, status, body) {
  const r = READERS[format]?.(body);
  if (!r) throw new Error(`no reader for answer format '${format}'`);
  return { status, bytes: Buffer.byteLength(body), ...r };
}

/**
 * Checks each Worker's answer (map target → readAnswer result): status 200, a finish reason and
 * usage where the format carries them, the stream's terminator, and the same text as the fake sent
 * (the pass-through's, when it runs; else the first Worker's). Returns target → error or null.
 */
export function checkAnswers(answers, expectedEvents) {
  const errs = {};
  const ref = answers.passthrough ?? Object.values(answers)[0];
  for (const [name, a] of Object.entries(answers)) {
    if (a.status !== 200) errs[name] = `HTTP ${a.status}`;
    else if (a.models !== undefined) errs[name] = a.models === null ? "not a model list" : null;
    else if (typeof a.text !== "string" || !a.text.startsWith(MARKER)) errs[name] = `no text (got ${JSON.stringify(a.text)?.slice(0, 80)})`;
    else if (a.text !== ref.text) errs[name] = `text differs from the upstream's (${a.text.length} vs ${ref.text.length} chars)`;
    else if (!a.finish) errs[name] = "no finish reason";
    else if (a.done === false) errs[name] = "stream did not terminate properly";
    else if (expectedEvents && name === "passthrough" && a.events < expectedEvents) errs[name] = `${a.events} events, expected ≥ ${expectedEvents}`;
    else errs[name] = null;
  }
  return errs;
}
