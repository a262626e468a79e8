// Generations tab: the most recent usage records (GET /api/v1/generations) and one record's detail.
import { api, type Generation } from "./api";
import { $, h, int, usd, when } from "./dom";

let rows: Generation[] = [];

function statusBadge(g: Generation): HTMLElement {
  return h("span", { class: `badge ${g.status < 400 ? "good" : "bad"}` }, String(g.status));
}

function render(): void {
  $("#generations-table tbody").replaceChildren(
    ...rows.map((g) =>
      h(
        "tr",
        { "data-id": g.id },
        h("td", {}, when(g.created_at)),
        h("td", {}, h("code", {}, g.model)),
        h("td", {}, g.provider_name ?? "—"),
        h("td", {}, `${int(g.tokens_prompt)} / ${int(g.tokens_completion)}`),
        h("td", {}, usd(g.total_cost)),
        h("td", {}, g.latency === null ? "—" : `${int(g.latency)} ms`),
        h("td", {}, statusBadge(g)),
        h("td", {}, h("button", { type: "button", class: "button small", "data-detail": g.id }, "Details")),
      ),
    ),
  );
  $("#generations-empty").hidden = rows.length > 0;
}

export async function loadGenerations(older = false): Promise<void> {
  const before = older && rows.length ? `&before=${encodeURIComponent(rows[rows.length - 1].created_at)}` : "";
  const res = await api<{ data: Generation[]; limit: number }>("GET", `/api/v1/generations?limit=50${before}`);
  rows = older ? rows.concat(res.data) : res.data;
  $("#more-generations").hidden = res.data.length < res.limit;
  render();
}

async function showDetail(id: string): Promise<void> {
  const g = rows.find((r) => r.id === id);
  // The detail comes from the single-record endpoint, as any API client would read it.
  const res = await api<{ data: Generation }>("GET", `/api/v1/generation?id=${encodeURIComponent(id)}${g ? `&key_hash=${g.api_key_hash}` : ""}`);
  const d = res.data;
  const items: [string, string][] = [
    ["Id", d.id],
    ["Time", when(d.created_at)],
    ["Model", d.model],
    ["Requested model", d.requested_model],
    ["Provider", d.provider_name ?? "—"],
    ["API surface", `${d.surface}${d.streamed ? " (streamed)" : ""}`],
    ["Status", `${d.status}${d.finish_reason ? ` · ${d.finish_reason}` : ""}`],
    ["Prompt tokens", int(d.tokens_prompt)],
    ["Completion tokens", int(d.tokens_completion)],
    ["Cached / cache write", `${int(d.native_tokens_cached)} / ${int(d.native_tokens_cache_write)}`],
    ["Reasoning tokens", int(d.native_tokens_reasoning)],
    ["Cost", `${usd(d.total_cost)} (${int(d.cost_micros)} µUSD)`],
    ["Latency", d.latency === null ? "—" : `${int(d.latency)} ms`],
    ["Time to first token", d.ttft === null ? "—" : `${int(d.ttft)} ms`],
    ["API key hash", d.api_key_hash],
  ];
  $("#generation-detail").replaceChildren(...items.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  $<HTMLDialogElement>("#generation-dialog").showModal();
}

export function initGenerations(onError: (e: unknown) => void): void {
  $("#refresh-generations").addEventListener("click", () => void loadGenerations().catch(onError));
  $("#more-generations").addEventListener("click", () => void loadGenerations(true).catch(onError));
  $("#generations-table").addEventListener("click", (ev) => {
    const id = (ev.target as HTMLElement).closest<HTMLButtonElement>("button[data-detail]")?.dataset.detail;
    if (id) void showDetail(id).catch(onError);
  });
}
