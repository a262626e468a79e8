// Keys tab: list with spend against limit, create (the key shown once), edit, disable/enable, delete.
import { api, type Generation, type KeyObject } from "./api";
import { confirmDialog, showError } from "./ui";
import { $, h, usd, when } from "./dom";

let keys: KeyObject[] = [];
let editing: KeyObject | null = null;
/** Called with each new plaintext key, so the playground can use it. */
let onCreated: (key: string) => void = () => {};

export const knownKeys = () => keys;

function status(k: KeyObject): HTMLElement {
  if (k.disabled) return h("span", { class: "badge muted" }, "disabled");
  if (k.expires_at && Date.parse(k.expires_at) <= Date.now()) return h("span", { class: "badge bad" }, "expired");
  if (k.limit !== null && k.limit_remaining !== null && k.limit_remaining <= 0) return h("span", { class: "badge warn" }, "limit reached");
  return h("span", { class: "badge good" }, "active");
}

function usageCell(k: KeyObject): HTMLElement {
  const spent = k.limit_reset ? { daily: k.usage_daily, weekly: k.usage_weekly, monthly: k.usage_monthly }[k.limit_reset] : k.usage;
  if (k.limit === null) return h("span", {}, usd(k.usage), h("span", { class: "muted" }, " · no limit"));
  const pct = k.limit > 0 ? Math.min(100, (spent / k.limit) * 100) : 100;
  const bar = h("progress", { max: "100", value: String(Math.round(pct)), "aria-label": `${Math.round(pct)}% of limit used` });
  return h("span", { class: "usage-cell" }, `${usd(spent)} / ${usd(k.limit)}`, bar);
}

function row(k: KeyObject, lastUsed: string | null | undefined): HTMLTableRowElement {
  const edit = h("button", { type: "button", class: "button small", "data-action": "edit" }, "Edit");
  const toggle = h("button", { type: "button", class: "button small", "data-action": "toggle" }, k.disabled ? "Enable" : "Disable");
  const del = h("button", { type: "button", class: "button small danger", "data-action": "delete" }, "Delete");
  const tr = h(
    "tr",
    { "data-hash": k.hash },
    h("th", { scope: "row" }, h("div", {}, k.name), h("code", { class: "muted small" }, k.label)),
    h("td", {}, usageCell(k)),
    h("td", {}, k.limit_reset ?? "never"),
    h("td", {}, k.rate_limit ? `${k.rate_limit.requests} / ${k.rate_limit.interval}` : "—"),
    h("td", { "data-last-used": "" }, lastUsed === undefined ? "…" : when(lastUsed)),
    h("td", {}, k.expires_at ? when(k.expires_at) : "never"),
    h("td", {}, status(k)),
    h("td", { class: "actions" }, edit, toggle, del),
  );
  return tr;
}

/** Last use of each key: its newest usage record (one small indexed query per key). */
async function fillLastUsed(list: KeyObject[]): Promise<void> {
  const queue = list.slice();
  const worker = async () => {
    for (let k = queue.shift(); k; k = queue.shift()) {
      const hash = k.hash;
      const res = await api<{ data: Generation[] }>("GET", `/api/v1/generations?key_hash=${hash}&limit=1`).catch(() => null);
      const cell = document.querySelector(`tr[data-hash="${hash}"] [data-last-used]`);
      if (cell) cell.textContent = res?.data[0] ? when(res.data[0].created_at) : "never";
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

export async function loadKeys(): Promise<void> {
  const includeDisabled = $<HTMLInputElement>("#show-disabled").checked;
  const res = await api<{ data: KeyObject[] }>("GET", `/api/v1/keys?include_disabled=${includeDisabled}`);
  keys = res.data;
  const tbody = $("#keys-table tbody");
  tbody.replaceChildren(...keys.map((k) => row(k, undefined)));
  $("#keys-empty").hidden = keys.length > 0;
  void fillLastUsed(keys);
}

const numOrNull = (v: string) => (v.trim() === "" ? null : Number(v));

function openForm(k: KeyObject | null): void {
  editing = k;
  const form = $<HTMLFormElement>("#key-form");
  form.reset();
  $("#key-dialog-title").textContent = k ? `Edit ${k.name}` : "Create key";
  $("#key-form-error").textContent = "";
  if (k) {
    ($<HTMLInputElement>("#kf-name")).value = k.name;
    ($<HTMLInputElement>("#kf-limit")).value = k.limit === null ? "" : String(k.limit);
    ($<HTMLSelectElement>("#kf-reset")).value = k.limit_reset ?? "";
    ($<HTMLInputElement>("#kf-providers")).value = (k.allowed_providers ?? []).join(", ");
    ($<HTMLInputElement>("#kf-rate")).value = k.rate_limit ? String(k.rate_limit.requests) : "";
    ($<HTMLSelectElement>("#kf-interval")).value = k.rate_limit?.interval ?? "minute";
    ($<HTMLInputElement>("#kf-expires")).value = k.expires_at ? toLocalInput(k.expires_at) : "";
  }
  $<HTMLDialogElement>("#key-dialog").showModal();
}

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function formBody(): Record<string, unknown> {
  const v = (id: string) => $<HTMLInputElement>(id).value;
  const providers = v("#kf-providers").split(",").map((s) => s.trim()).filter(Boolean);
  const rate = numOrNull(v("#kf-rate"));
  const expires = v("#kf-expires");
  return {
    name: v("#kf-name").trim(),
    limit: numOrNull(v("#kf-limit")),
    limit_reset: v("#kf-reset") || null,
    allowed_providers: providers.length ? providers : null,
    rate_limit: rate === null ? null : { requests: rate, interval: v("#kf-interval") },
    expires_at: expires ? new Date(expires).toISOString() : null,
  };
}

async function submitForm(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  const body = formBody();
  try {
    if (editing) {
      await api("PATCH", `/api/v1/keys/${editing.hash}`, body);
    } else {
      // A new key has no expiry/limit unless set: omit nulls the create schema does not need.
      const create = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
      const res = await api<{ key: string; data: KeyObject }>("POST", "/api/v1/keys", create);
      $("#new-key").textContent = res.key;
      $("#key-created").hidden = false;
      onCreated(res.key);
    }
    $<HTMLDialogElement>("#key-dialog").close();
    await loadKeys();
  } catch (e) {
    $("#key-form-error").textContent = (e as Error).message;
  }
}

export function initKeys(created: (key: string) => void): void {
  onCreated = created;
  $("#create-key").addEventListener("click", () => openForm(null));
  $("#show-disabled").addEventListener("change", () => void loadKeys().catch(showError));
  $<HTMLFormElement>("#key-form").addEventListener("submit", (ev) => void submitForm(ev));
  $("#key-dialog").addEventListener("click", (ev) => {
    if ((ev.target as HTMLElement).closest("[data-close]")) $<HTMLDialogElement>("#key-dialog").close();
  });
  $("#keys-table").addEventListener("click", async (ev) => {
    const btn = (ev.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
    const hash = btn?.closest("tr")?.dataset.hash;
    const k = keys.find((x) => x.hash === hash);
    if (!btn || !k) return;
    try {
      if (btn.dataset.action === "edit") return openForm(k);
      if (btn.dataset.action === "toggle") await api("PATCH", `/api/v1/keys/${k.hash}`, { disabled: !k.disabled });
      if (btn.dataset.action === "delete") {
        if (!(await confirmDialog(`Delete the key “${k.name}” (${k.label})? Requests with it fail at once. This cannot be undone.`))) return;
        await api("DELETE", `/api/v1/keys/${k.hash}`);
      }
      await loadKeys();
    } catch (e) {
      showError(e);
    }
  });
}
