// One model's page: what it is, what it costs on each provider that serves it here, how each of
// those endpoints has performed, what it supports, and how to call it.
import { html } from "hono/html";
import { isEmbeddingModel } from "../catalog/catalog";
import type { EndpointView, ModelView } from "./catalog-view";
import { humanize, monthYear, paramLabel, perMillion, priceRows, tokens } from "./format";
import { page, type Html } from "./layout";
import { snippets } from "./snippets";
import { SUCCESS_WINDOW_MS, type SuccessRate } from "./success-rates";

const num = (s: string | undefined) => (s === undefined ? null : Number(s));

function stat(label: string, value: Html | string): Html {
  return html`<div class="stat"><dt>${label}</dt><dd>${value}</dd></div>`;
}

function successCell(r: SuccessRate | undefined): Html | string {
  if (!r || r.requests === 0) return html`<span class="muted">no data</span>`;
  const pct = (r.ok / r.requests) * 100;
  return html`<span class="${pct >= 99 ? "good" : pct >= 90 ? "warn" : "bad"}">${pct.toFixed(pct === 100 ? 0 : 1)}%</span> <span class="muted">of ${r.requests}</span>`;
}

function endpointRow(e: EndpointView, rates: Map<string, SuccessRate>): Html {
  const p = e.endpoint.pricing;
  const status = e.coolingDown ? html`<span class="bad">cooling down</span>` : html`<span class="good">up</span>`;
  return html`<tr>
    <th scope="row">${e.providerName}${e.endpoint.variant === "free" ? html` <span class="chip good">free</span>` : ""}<div class="muted small"><code>${e.endpoint.upstream_model}</code></div></th>
    <td>${tokens(e.endpoint.context_length)}</td>
    <td>${tokens(e.endpoint.max_completion_tokens)}</td>
    <td>${p ? perMillion(num(p.prompt)) : html`<span class="muted">unknown</span>`}</td>
    <td>${p ? perMillion(num(p.completion)) : html`<span class="muted">unknown</span>`}</td>
    <td>${e.stats?.throughput !== undefined ? `${Math.round(e.stats.throughput)} tok/s` : html`<span class="muted">—</span>`}</td>
    <td>${e.stats?.latencyMs !== undefined ? `${Math.round(e.stats.latencyMs)} ms` : html`<span class="muted">—</span>`}</td>
    <td>${successCell(rates.get(e.providerId))}</td>
    <td>${status}</td>
  </tr>`;
}

function pricingDetails(m: ModelView): Html {
  const blocks = m.endpoints
    .map((e) => ({ e, rows: priceRows(e.endpoint.pricing as Record<string, unknown> | null) }))
    .filter((b) => b.rows.length);
  if (!blocks.length) return html`<p class="muted">No price is known for this model's endpoints.</p>`;
  return html`<div class="price-grid">
    ${blocks.map(
      ({ e, rows }) => html`<table class="table compact">
        <caption>${e.providerName}${e.endpoint.variant === "free" ? " (free)" : ""}</caption>
        <tbody>${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td>${r.value}</td><td class="muted">${r.unit}</td></tr>`)}</tbody>
      </table>`,
    )}
  </div>`;
}

function snippetTabs(baseUrl: string, m: ModelView): Html {
  const list = snippets(baseUrl, m.model.id, { embeddings: isEmbeddingModel(m.model) });
  return html`<div class="tabs" data-tabs>
    <div class="tab-list" role="tablist" aria-label="Code snippets" hidden>
      ${list.map((s, i) => html`<button type="button" role="tab" id="tab-${s.id}" aria-controls="panel-${s.id}" aria-selected="${i === 0 ? "true" : "false"}" tabindex="${i === 0 ? "0" : "-1"}">${s.label}</button>`)}
    </div>
    ${list.map(
      (s) => html`<section class="tab-panel" role="tabpanel" id="panel-${s.id}" aria-labelledby="tab-${s.id}">
        <h3 class="panel-title">${s.label}</h3>
        <div class="code-block"><button type="button" class="copy" data-copy-target="code-${s.id}" aria-label="Copy ${s.label} snippet">Copy</button><pre><code id="code-${s.id}" class="lang-${s.lang}">${s.code}</code></pre></div>
      </section>`,
    )}
  </div>`;
}

export function modelPage(m: ModelView, rates: Map<string, SuccessRate>, baseUrl: string): Html {
  const model = m.model;
  const author = model.id.slice(0, model.id.indexOf("/"));
  const freeIds = [...new Set(m.endpoints.filter((e) => e.endpoint.variant === "free").map((e) => e.callId))];
  const body = html`<nav class="breadcrumb" aria-label="Breadcrumb"><ol><li><a href="/">Models</a></li><li><a href="/?q=${encodeURIComponent(author)}">${author}</a></li><li aria-current="page">${model.name}</li></ol></nav>
  <header class="model-header">
    <h1>${model.name}</h1>
    <p class="model-id"><code>${model.id}</code> <button type="button" class="copy" data-copy="${model.id}" aria-label="Copy model id">Copy id</button>
      ${freeIds.map((id) => html` <code>${id}</code>`)}
      ${model.created ? html` <span class="muted">· released ${monthYear(model.created)}</span>` : ""}</p>
    <p class="desc">${model.description}</p>
  </header>
  <dl class="stats">
    ${stat("Context", `${tokens(m.contextLength)} tokens`)}
    ${stat("Max output", m.maxOutput ? `${tokens(m.maxOutput)} tokens` : "—")}
    ${stat("Input", m.promptPrice === null ? "unknown" : `${perMillion(m.promptPrice)} / 1M tokens`)}
    ${stat("Output", m.completionPrice === null ? "unknown" : `${perMillion(m.completionPrice)} / 1M tokens`)}
    ${stat("Modalities", `${m.inputModalities.map(humanize).join(", ")} → ${m.outputModalities.map(humanize).join(", ")}`)}
  </dl>
  <section aria-labelledby="providers-heading">
    <h2 id="providers-heading">Providers</h2>
    <p class="muted small">Requests to <code>${model.id}</code> go to the first healthy provider below and fall back to the next one. Throughput and latency (time to first token) are rolling averages measured by this gateway; success rate over the last ${SUCCESS_WINDOW_MS / 86_400_000} days.</p>
    <div class="table-wrap"><table class="table">
      <thead><tr><th scope="col">Provider</th><th scope="col">Context</th><th scope="col">Max output</th><th scope="col">Input / 1M</th><th scope="col">Output / 1M</th><th scope="col">Throughput</th><th scope="col">Latency</th><th scope="col">Success</th><th scope="col">Status</th></tr></thead>
      <tbody>${m.endpoints.map((e) => endpointRow(e, rates))}</tbody>
    </table></div>
  </section>
  <section aria-labelledby="pricing-heading">
    <h2 id="pricing-heading">Pricing</h2>
    ${pricingDetails(m)}
  </section>
  <section aria-labelledby="params-heading">
    <h2 id="params-heading">Supported parameters</h2>
    <ul class="chips plain">${m.parameters.map((p) => html`<li class="chip" title="${p}">${paramLabel(p)}</li>`)}</ul>
  </section>
  <section aria-labelledby="use-heading">
    <h2 id="use-heading">Use it</h2>
    <p class="muted small">Create an API key in the <a href="/console">console</a>, then:</p>
    ${snippetTabs(baseUrl, m)}
  </section>`;
  return page({ title: `${model.name} · ARouter`, description: model.description.slice(0, 160), nav: "models" }, body);
}
