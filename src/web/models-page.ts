// The model browser (`/`): a GET form of filters beside the matching models. Everything works
// without JavaScript; /assets/site.js only submits the form as you type or tick.
import { html } from "hono/html";
import { CONTEXT_STEPS, PAGE_SIZE, PRICE_STEPS, SORTS, browseHref, facets, filterModels, sortModels, type BrowseQuery } from "./browse";
import type { CatalogView, ModelView } from "./catalog-view";
import { humanize, monthYear, paramLabel, perMillion, tokens } from "./format";
import { page, type Html } from "./layout";

/** Parameters worth a filter checkbox (the rest are near-universal sampling knobs). */
const PARAM_FILTERS = ["tools", "structured_outputs", "response_format", "reasoning", "include_reasoning", "parallel_tool_calls", "seed", "top_k"];

export const modelHref = (id: string) => `/models/${id.split("/").map(encodeURIComponent).join("/")}`;

const checked = (on: boolean) => (on ? html` checked` : "");
const selected = (on: boolean) => (on ? html` selected` : "");

function checkboxGroup(name: string, legend: string, options: [string, string, number?][], chosen: string[]): Html {
  if (!options.length) return html``;
  return html`<fieldset class="filter-group">
    <legend>${legend}</legend>
    ${options.map(
      ([value, label, count]) => html`<label class="check"><input type="checkbox" name="${name}" value="${value}"${checked(chosen.includes(value))}> <span>${label}</span>${
        count !== undefined ? html` <span class="count">${count}</span>` : ""
      }</label>`,
    )}
  </fieldset>`;
}

function filters(view: CatalogView, q: BrowseQuery): Html {
  const f = facets(view.models);
  const providerCounts = new Map<string, number>();
  for (const m of view.models) for (const p of m.providers) providerCounts.set(p, (providerCounts.get(p) ?? 0) + 1);
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter models" data-autosubmit>
    <div class="field">
      <label for="q">Search</label>
      <input id="q" name="q" type="search" value="${q.q}" placeholder="Name, id, provider…" autocomplete="off">
    </div>
    <div class="field">
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">
        ${Object.entries(SORTS).map(([v, label]) => html`<option value="${v}"${selected(q.sort === v)}>${label}</option>`)}
      </select>
    </div>
    <details class="more-filters" open>
    <summary>More filters${q.input.length + q.output.length + q.params.length + q.provider.length + (q.min_context !== undefined ? 1 : 0) + (q.max_price !== undefined ? 1 : 0) ? " (active)" : ""}</summary>
    ${checkboxGroup("output", "Output modalities", f.output.map(([v, n]) => [v, humanize(v), n]), q.output)}
    ${checkboxGroup("input", "Input modalities", f.input.map(([v, n]) => [v, humanize(v), n]), q.input)}
    ${checkboxGroup(
      "params",
      "Supported parameters",
      f.params.filter(([p]) => PARAM_FILTERS.includes(p)).map(([v, n]) => [v, paramLabel(v), n]),
      q.params,
    )}
    ${checkboxGroup("provider", "Providers", view.providers.map(([id, name]) => [id, name, providerCounts.get(id)]), q.provider)}
    <div class="field">
      <label for="min_context">Context length</label>
      <select id="min_context" name="min_context">
        <option value="">Any</option>
        ${CONTEXT_STEPS.map((n) => html`<option value="${n}"${selected(q.min_context === n)}>≥ ${tokens(n)} tokens</option>`)}
      </select>
    </div>
    <div class="field">
      <label for="max_price">Input price</label>
      <select id="max_price" name="max_price">
        <option value="">Any</option>
        ${PRICE_STEPS.map((n) => html`<option value="${n}"${selected(q.max_price === n)}>${n === 0 ? "Free" : `≤ $${n} / 1M tokens`}</option>`)}
      </select>
    </div>
    </details>
    <div class="filter-actions">
      <button type="submit" class="button primary">Apply filters</button>
      <a class="button" href="/">Reset</a>
    </div>
  </form>`;
}

function modelCard(m: ModelView): Html {
  const id = m.model.id;
  const speed = m.throughput !== null ? html`<span class="chip" title="Best measured throughput">${Math.round(m.throughput)} tok/s</span>` : "";
  return html`<li class="model-card" data-model-id="${id}" data-prompt-price="${m.promptPrice ?? ""}" data-context="${m.contextLength}">
    <div class="model-card-head">
      <h2><a href="${modelHref(id)}">${m.model.name}</a></h2>
      <span class="price" aria-label="Price per million tokens">${perMillion(m.promptPrice)} in · ${perMillion(m.completionPrice)} out <span class="muted">/ 1M</span></span>
    </div>
    <p class="model-id"><code>${id}</code> <button type="button" class="copy" data-copy="${id}" aria-label="Copy model id ${id}">Copy</button></p>
    <p class="desc">${m.model.description}</p>
    <p class="chips">
      <span class="chip">${tokens(m.contextLength)} context</span>
      <span class="chip">${m.inputModalities.join(" + ")} → ${m.outputModalities.join(" + ")}</span>
      ${m.free ? html`<span class="chip good">free variant</span>` : ""}
      ${speed}
      <span class="chip muted">${m.endpoints.map((e) => e.providerName).filter((v, i, a) => a.indexOf(v) === i).join(", ")}</span>
      ${m.model.created ? html`<span class="chip muted">${monthYear(m.model.created)}</span>` : ""}
    </p>
  </li>`;
}

function pager(q: BrowseQuery, total: number): Html {
  const pages = Math.ceil(total / PAGE_SIZE);
  if (pages <= 1) return html``;
  const page = Math.min(q.page, pages);
  return html`<nav class="pager" aria-label="Pages">
    ${page > 1 ? html`<a class="button" rel="prev" href="${browseHref(q, { page: page - 1 })}">← Previous</a>` : ""}
    <span class="muted">Page ${page} of ${pages}</span>
    ${page < pages ? html`<a class="button" rel="next" href="${browseHref(q, { page: page + 1 })}">Next →</a>` : ""}
  </nav>`;
}

export function modelsPage(view: CatalogView, q: BrowseQuery): Html {
  const matching = sortModels(filterModels(view.models, q), q.sort);
  const current = Math.min(q.page, Math.max(1, Math.ceil(matching.length / PAGE_SIZE)));
  const first = (current - 1) * PAGE_SIZE;
  const shown = matching.slice(first, first + PAGE_SIZE);
  const range = matching.length > PAGE_SIZE ? ` (${first + 1}–${first + shown.length} shown)` : "";
  const providerCount = view.providers.length;
  const body = html`<section class="hero">
      <h1>Models</h1>
      <p class="lead">${view.models.length} models from ${providerCount} provider${providerCount === 1 ? "" : "s"}, one API key, every API format:
      OpenAI Chat Completions, Anthropic Messages and Gemini.</p>
    </section>
    <div class="browser">
      ${filters(view, q)}
      <section class="results" aria-labelledby="results-heading">
        <h2 id="results-heading" class="results-count" aria-live="polite">${matching.length} of ${view.models.length} models${range}</h2>
        ${
          view.models.length === 0
            ? html`<div class="empty"><p>No provider is enabled on this deployment yet.</p><p>Set a provider key (for example <code>OPENAI_API_KEY</code>) as a Worker secret, or in <code>.dev.vars</code> for <code>npm start</code>.</p></div>`
            : matching.length === 0
              ? html`<div class="empty"><p>No model matches these filters.</p><p><a href="/">Clear all filters</a></p></div>`
              : html`<ol class="model-list">${shown.map(modelCard)}</ol>${pager(q, matching.length)}`
        }
      </section>
    </div>`;
  return page({ title: "Models · ARouter", nav: "models" }, body);
}
