// Playground tab: a streamed chat through POST /v1/chat/completions with an API key (management
// keys cannot call models), rendered token by token, then the answer's usage and cost.
import { errorMessage } from "./api";
import { $, h, int, usd } from "./dom";

interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}
interface Chunk {
  id?: string;
  model?: string;
  choices?: { delta?: { content?: string | null; reasoning?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens: number; completion_tokens: number; cost?: number } | null;
  error?: { message?: string };
}

const PG_KEY = "arouter:playground-key";
let history: ChatMessage[] = [];
let controller: AbortController | null = null;

export function usePlaygroundKey(key: string): void {
  $<HTMLInputElement>("#pg-key").value = key;
  sessionStorage.setItem(PG_KEY, key);
}

export async function loadModels(): Promise<void> {
  const res = await fetch("/v1/models?output_modalities=text", { cache: "no-store" });
  if (!res.ok) return;
  const body = (await res.json()) as { data: { id: string; name: string }[] };
  $("#pg-models").replaceChildren(...body.data.map((m) => h("option", { value: m.id }, m.name)));
  // A default model only for an untouched field: never write over what the operator is typing.
  const input = $<HTMLInputElement>("#pg-model");
  if (!input.value && !input.dataset.touched && document.activeElement !== input && body.data[0]) input.value = body.data[0].id;
}

function bubble(role: string, text: string): HTMLElement {
  const el = h("div", { class: `msg ${role}` }, h("div", { class: "msg-role" }, role), h("div", { class: "msg-text" }, text));
  $("#pg-transcript").append(el);
  return el.querySelector<HTMLElement>(".msg-text")!;
}

/** Server-Sent Events → JSON payloads (the `data:` lines; `[DONE]` ends the stream). */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
      const event = buf.slice(0, cut);
      buf = buf.slice(cut).replace(/^\r?\n\r?\n/, "");
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data === "[DONE]") return;
      if (data) yield data;
    }
  }
}

async function send(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const v = (id: string) => $<HTMLInputElement>(id).value;
  const message = v("#pg-message").trim();
  const key = v("#pg-key").trim();
  if (!message || !key) return;
  sessionStorage.setItem(PG_KEY, key);
  $("#pg-error").textContent = "";
  $("#pg-usage").textContent = "";
  history.push({ role: "user", content: message });
  bubble("user", message);
  $<HTMLTextAreaElement>("#pg-message").value = "";
  const out = bubble("assistant", "");
  out.classList.add("streaming");
  const system = v("#pg-system").trim();
  const body = {
    model: v("#pg-model").trim(),
    messages: system ? [{ role: "system", content: system }, ...history] : history,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: Number(v("#pg-max")) || undefined,
    temperature: v("#pg-temp") === "" ? undefined : Number(v("#pg-temp")),
  };
  controller = new AbortController();
  $<HTMLButtonElement>("#pg-send").disabled = true;
  $<HTMLButtonElement>("#pg-stop").disabled = false;
  const started = performance.now();
  let firstToken: number | null = null;
  let text = "";
  let model = body.model;
  let id = "";
  let usage: Chunk["usage"] = null;
  try {
    const res = await fetch("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(await errorMessage(res));
    for await (const data of sseData(res.body)) {
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error) throw new Error(chunk.error.message ?? "The stream failed");
      if (chunk.model) model = chunk.model;
      if (chunk.id) id = chunk.id;
      const delta = chunk.choices?.[0]?.delta?.content;
      if (delta) {
        firstToken ??= performance.now();
        text += delta;
        out.textContent = text;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    history.push({ role: "assistant", content: text });
  } catch (e) {
    if ((e as Error).name !== "AbortError") $("#pg-error").textContent = (e as Error).message;
    else history.push({ role: "assistant", content: text });
  } finally {
    out.classList.remove("streaming");
    controller = null;
    $<HTMLButtonElement>("#pg-send").disabled = false;
    $<HTMLButtonElement>("#pg-stop").disabled = true;
  }
  const total = performance.now() - started;
  if (usage) {
    $("#pg-usage").textContent =
      `${model} · ${int(usage.prompt_tokens)} in / ${int(usage.completion_tokens)} out tokens · ${usage.cost === undefined ? "cost unknown" : usd(usage.cost)}` +
      ` · first token ${firstToken === null ? "—" : `${Math.round(firstToken - started)} ms`} · ${Math.round(total)} ms${id ? ` · ${id}` : ""}`;
    $("#pg-usage").dataset.cost = String(usage.cost ?? "");
  }
}

export function initPlayground(): void {
  const saved = sessionStorage.getItem(PG_KEY);
  if (saved) $<HTMLInputElement>("#pg-key").value = saved;
  $<HTMLFormElement>("#playground-form").addEventListener("submit", (ev) => void send(ev));
  $("#pg-model").addEventListener("input", (ev) => ((ev.target as HTMLInputElement).dataset.touched = "true"), { once: true });
  $("#pg-stop").addEventListener("click", () => controller?.abort());
  $("#pg-clear").addEventListener("click", () => {
    history = [];
    $("#pg-transcript").replaceChildren();
    $("#pg-usage").textContent = "";
  });
  // Enter sends, Shift+Enter is a new line.
  $("#pg-message").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) {
      ev.preventDefault();
      $<HTMLFormElement>("#playground-form").requestSubmit();
    }
  });
}

export function forgetPlayground(): void {
  sessionStorage.removeItem(PG_KEY);
  $<HTMLInputElement>("#pg-key").value = "";
  history = [];
  $("#pg-transcript").replaceChildren();
}
