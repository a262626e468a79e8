// Usage tab: requests, tokens and cost per day (uPlot) and the same range broken down by model,
// provider and key, all from GET /api/v1/activity.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { api, type ActivityRow, type KeyObject } from "./api";
import { $, h, int, usd } from "./dom";

const DAY = 86_400_000;
const charts = new Map<string, uPlot>();
let keyNames = new Map<string, string>();

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function initUsage(onChange: () => void): void {
  const to = Date.now();
  $<HTMLInputElement>("#range-to").value = isoDay(to);
  $<HTMLInputElement>("#range-from").value = isoDay(to - 29 * DAY);
  $<HTMLFormElement>("#usage-range").addEventListener("submit", (ev) => {
    ev.preventDefault();
    onChange();
  });
}

export function setKeys(keys: KeyObject[]): void {
  keyNames = new Map(keys.map((k) => [k.hash, k.name]));
  const select = $<HTMLSelectElement>("#range-key");
  const current = select.value;
  select.replaceChildren(h("option", { value: "" }, "All keys"), ...keys.map((k) => h("option", { value: k.hash }, k.name)));
  select.value = keyNames.has(current) ? current : "";
}

/** Whole-number tick steps for counts (uPlot would otherwise label 0.2, 0.4… as "0", "0", "1"). */
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 1e8, 1e9];

function chart(id: string, label: string, days: number[], values: number[], fmt: (n: number) => string, counts: boolean): void {
  const el = $(`#${id}`);
  const data: uPlot.AlignedData = [days, values];
  // What the chart shows, for assistive tech and tests: the range's total.
  el.dataset.total = String(values.reduce((a, b) => a + b, 0));
  el.setAttribute("aria-label", `${label} per day: ${fmt(values.reduce((a, b) => a + b, 0))} in total`);
  const existing = charts.get(id);
  if (existing) {
    existing.setData(data);
    return;
  }
  const css = getComputedStyle(document.documentElement);
  const accent = css.getPropertyValue("--accent").trim() || "#4f46e5";
  const grid = css.getPropertyValue("--border").trim() || "#ddd";
  const text = css.getPropertyValue("--muted").trim() || "#666";
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  const halfDay = DAY / 2000;
  const opts: uPlot.Options = {
    width: Math.max(260, el.clientWidth),
    height: 200,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      // Half a day of margin each side, so the first and last bars are whole.
      x: { time: true, range: (_u, min, max) => [min - halfDay, max + halfDay] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
    },
    axes: [axis, { ...axis, size: counts ? 56 : 84, values: (_u, ticks) => ticks.map(fmt), ...(counts ? { incrs: COUNT_INCRS } : {}) }],
    series: [{}, { label, stroke: accent, fill: accent, width: 0, points: { show: false }, paths: uPlot.paths.bars?.({ size: [0.7, 24], align: 0 }) }],
  };
  charts.set(id, new uPlot(opts, data, el));
}

const compact = (n: number) => (n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}K` : String(Math.round(n)));
const axisUsd = (n: number) => (n === 0 ? "$0" : n >= 1 ? `$${+n.toFixed(2)}` : `$${+n.toPrecision(2)}`);

function breakdown(tableId: string, rows: ActivityRow[], name: (r: ActivityRow) => string): void {
  const max = Math.max(0, ...rows.map((r) => r.usage));
  const maxReq = Math.max(0, ...rows.map((r) => r.requests));
  const tbody = $(`#${tableId} tbody`);
  if (!rows.length) {
    tbody.replaceChildren(h("tr", {}, h("td", { class: "muted" }, "No requests in this range")));
    return;
  }
  tbody.replaceChildren(
    ...rows.map((r) => {
      const share = max > 0 ? r.usage / max : maxReq > 0 ? r.requests / maxReq : 0;
      const bar = h("span", { class: "bar", "aria-hidden": "true" });
      bar.style.width = `${Math.round(share * 100)}%`;
      return h(
        "tr",
        {},
        h("th", { scope: "row" }, h("span", { class: "bar-label" }, name(r)), bar),
        h("td", {}, `${int(r.requests)} req`),
        h("td", {}, `${int(r.prompt_tokens + r.completion_tokens)} tok`),
        h("td", {}, usd(r.usage)),
      );
    }),
  );
}

export async function loadUsage(): Promise<void> {
  const from = $<HTMLInputElement>("#range-from").value;
  const to = $<HTMLInputElement>("#range-to").value;
  const key = $<HTMLSelectElement>("#range-key").value;
  const q = (group: string) => `/api/v1/activity?group_by=${group}${from ? `&date_from=${from}` : ""}${to ? `&date_to=${to}` : ""}${key ? `&key_hash=${key}` : ""}`;
  const [days, models, providers, byKey] = await Promise.all(
    ["day", "model", "provider", "key"].map((g) => api<{ data: ActivityRow[]; date_from: string; date_to: string }>("GET", q(g))),
  );
  // Every day of the range, zeros where nothing happened, so the bars line up with the calendar.
  const start = Date.parse(days.date_from);
  const end = Date.parse(days.date_to);
  const byDay = new Map(days.data.map((r) => [r.date, r]));
  const xs: number[] = [];
  const req: number[] = [];
  const tok: number[] = [];
  const cost: number[] = [];
  for (let t = start; t < end; t += DAY) {
    const r = byDay.get(isoDay(t));
    xs.push(t / 1000);
    req.push(r?.requests ?? 0);
    tok.push(r ? r.prompt_tokens + r.completion_tokens : 0);
    cost.push(r?.usage ?? 0);
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const errors = days.data.reduce((x, r) => x + r.errors, 0);
  $("#usage-totals").replaceChildren(
    h("div", { class: "stat" }, h("dt", {}, "Requests"), h("dd", { "data-total": "requests" }, int(sum(req)))),
    h("div", { class: "stat" }, h("dt", {}, "Tokens"), h("dd", { "data-total": "tokens" }, int(sum(tok)))),
    h("div", { class: "stat" }, h("dt", {}, "Cost"), h("dd", { "data-total": "cost" }, usd(sum(cost)))),
    h("div", { class: "stat" }, h("dt", {}, "Errors"), h("dd", { "data-total": "errors" }, int(errors))),
  );
  chart("chart-requests", "Requests", xs, req, compact, true);
  chart("chart-tokens", "Tokens", xs, tok, compact, true);
  chart("chart-cost", "Cost", xs, cost, axisUsd, false);
  breakdown("by-model", models.data, (r) => r.model ?? "(none)");
  breakdown("by-provider", providers.data, (r) => r.provider ?? "(no provider)");
  breakdown("by-key", byKey.data, (r) => keyNames.get(r.key_hash ?? "") ?? `${(r.key_hash ?? "").slice(0, 10)}…`);
}
