// The console's HTML: the structure is rendered here, /assets/console.js (src/web/client/) fills it
// from the public management API with the management key the operator signs in with.
import { html } from "hono/html";
import { page, type Html } from "./layout";

const TABS: [string, string][] = [
  ["keys", "Keys"],
  ["usage", "Usage"],
  ["generations", "Generations"],
  ["playground", "Playground"],
  ["settings", "Management keys"],
];

const signIn = html`<section id="signin" class="card signin" aria-labelledby="signin-heading">
  <h1 id="signin-heading">Console</h1>
  <p>Sign in with a management key (<code>lr_mgmt_…</code>): the <code>MANAGEMENT_KEY</code> secret, or one created here.</p>
  <form id="signin-form" class="stack">
    <label for="mgmt-key">Management key</label>
    <input id="mgmt-key" name="mgmt-key" type="password" autocomplete="off" spellcheck="false" required placeholder="lr_mgmt_…">
    <button type="submit" class="button primary">Sign in</button>
    <p class="muted small">The key stays in this tab only (session storage) and is sent as an <code>Authorization</code> header; closing the tab forgets it.</p>
    <p id="signin-error" class="error" role="alert"></p>
  </form>
</section>`;

const keysView = html`<section id="view-keys" class="view" role="tabpanel" aria-labelledby="tab-keys">
  <div class="view-head">
    <h2>API keys</h2>
    <label class="check"><input type="checkbox" id="show-disabled"> Show disabled</label>
    <button type="button" class="button primary" id="create-key">Create key</button>
  </div>
  <div id="key-created" class="callout" hidden role="status">
    <p><strong>Copy your new key now.</strong> It is shown only once; only its hash is stored.</p>
    <p class="secret-line"><code id="new-key"></code> <button type="button" class="copy" data-copy-target="new-key">Copy</button>
    <button type="button" class="button" id="use-new-key">Use in playground</button></p>
  </div>
  <div class="table-wrap"><table class="table" id="keys-table">
    <thead><tr><th scope="col">Name</th><th scope="col">Usage / limit</th><th scope="col">Reset</th><th scope="col">Rate limit</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody></tbody>
  </table></div>
  <p id="keys-empty" class="empty" hidden>No API keys yet. Create one to call models.</p>
</section>`;

const usageView = html`<section id="view-usage" class="view" role="tabpanel" aria-labelledby="tab-usage" hidden>
  <div class="view-head">
    <h2>Usage</h2>
    <form id="usage-range" class="inline-form">
      <label for="range-from">From</label> <input type="date" id="range-from" name="from">
      <label for="range-to">To</label> <input type="date" id="range-to" name="to">
      <label for="range-key">Key</label> <select id="range-key" name="key"><option value="">All keys</option></select>
      <button type="submit" class="button">Update</button>
    </form>
  </div>
  <div class="totals" id="usage-totals" aria-live="polite"></div>
  <div class="charts">
    <figure class="chart-card"><figcaption>Requests per day</figcaption><div id="chart-requests" class="chart" role="img" aria-label="Requests per day"></div></figure>
    <figure class="chart-card"><figcaption>Tokens per day</figcaption><div id="chart-tokens" class="chart" role="img" aria-label="Tokens per day"></div></figure>
    <figure class="chart-card"><figcaption>Cost per day (USD)</figcaption><div id="chart-cost" class="chart" role="img" aria-label="Cost per day"></div></figure>
  </div>
  <div class="breakdowns">
    <section><h3>By model</h3><table class="table compact bars" id="by-model"><tbody></tbody></table></section>
    <section><h3>By provider</h3><table class="table compact bars" id="by-provider"><tbody></tbody></table></section>
    <section><h3>By key</h3><table class="table compact bars" id="by-key"><tbody></tbody></table></section>
  </div>
</section>`;

const generationsView = html`<section id="view-generations" class="view" role="tabpanel" aria-labelledby="tab-generations" hidden>
  <div class="view-head"><h2>Recent generations</h2><button type="button" class="button" id="refresh-generations">Refresh</button></div>
  <div class="table-wrap"><table class="table" id="generations-table">
    <thead><tr><th scope="col">Time</th><th scope="col">Model</th><th scope="col">Provider</th><th scope="col">Tokens in / out</th><th scope="col">Cost</th><th scope="col">Latency</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
    <tbody></tbody>
  </table></div>
  <p id="generations-empty" class="empty" hidden>No requests yet.</p>
  <button type="button" class="button" id="more-generations" hidden>Load older</button>
</section>`;

const playgroundView = html`<section id="view-playground" class="view" role="tabpanel" aria-labelledby="tab-playground" hidden>
  <div class="view-head"><h2>Playground</h2></div>
  <form id="playground-form" class="playground">
    <div class="pg-settings stack">
      <label for="pg-model">Model</label>
      <input id="pg-model" name="model" list="pg-models" required autocomplete="off" spellcheck="false" placeholder="openai/gpt-4o, claude-sonnet-4-20250514, auto…">
      <datalist id="pg-models"></datalist>
      <label for="pg-key">API key</label>
      <input id="pg-key" name="key" type="password" required autocomplete="off" spellcheck="false" placeholder="lr_live_…">
      <label for="pg-system">System prompt</label>
      <textarea id="pg-system" name="system" rows="3"></textarea>
      <label for="pg-max">Max tokens</label>
      <input id="pg-max" name="max_tokens" type="number" min="1" max="200000" value="512">
      <label for="pg-temp">Temperature</label>
      <input id="pg-temp" name="temperature" type="number" min="0" max="2" step="0.1" value="1">
    </div>
    <div class="pg-chat stack">
      <div id="pg-transcript" class="transcript" aria-live="polite"></div>
      <label for="pg-message">Message</label>
      <textarea id="pg-message" name="message" rows="4" required placeholder="Ask anything…"></textarea>
      <div class="row">
        <button type="submit" class="button primary" id="pg-send">Send</button>
        <button type="button" class="button" id="pg-stop" disabled>Stop</button>
        <button type="button" class="button" id="pg-clear">Clear</button>
      </div>
      <p id="pg-usage" class="usage-line" role="status"></p>
      <p id="pg-error" class="error" role="alert"></p>
    </div>
  </form>
</section>`;

const settingsView = html`<section id="view-settings" class="view" role="tabpanel" aria-labelledby="tab-settings" hidden>
  <div class="view-head"><h2>Management keys</h2></div>
  <p class="muted">Rotate away from the deployed <code>MANAGEMENT_KEY</code> secret: create a key, sign in with it, then remove the secret (or keep it as a break-glass key). Keys created here can be deleted at any time; the secret can only be changed with <code>wrangler secret put</code>.</p>
  <form id="mgmt-create" class="inline-form">
    <label for="mgmt-name">Name</label> <input id="mgmt-name" name="name" required maxlength="200">
    <button type="submit" class="button primary">Create management key</button>
  </form>
  <div id="mgmt-created" class="callout" hidden role="status">
    <p><strong>Copy the new management key now.</strong> It is shown only once.</p>
    <p class="secret-line"><code id="new-mgmt-key"></code> <button type="button" class="copy" data-copy-target="new-mgmt-key">Copy</button></p>
  </div>
  <div class="table-wrap"><table class="table" id="mgmt-table">
    <thead><tr><th scope="col">Name</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
    <tbody></tbody>
  </table></div>
</section>`;

const dialogs = html`<dialog id="key-dialog" aria-labelledby="key-dialog-title">
  <form method="dialog" id="key-form" class="stack">
    <h2 id="key-dialog-title">Create key</h2>
    <label for="kf-name">Name</label> <input id="kf-name" name="name" required maxlength="200">
    <label for="kf-limit">Spend limit (USD, empty = none)</label> <input id="kf-limit" name="limit" type="number" min="0" step="0.01">
    <label for="kf-reset">Limit resets</label>
    <select id="kf-reset" name="limit_reset"><option value="">Never</option><option value="daily">Daily</option><option value="weekly">Weekly</option><option value="monthly">Monthly</option></select>
    <label for="kf-providers">Allowed providers (comma separated, empty = all)</label> <input id="kf-providers" name="allowed_providers" placeholder="openai, anthropic">
    <fieldset class="row"><legend>Rate limit (empty = none)</legend>
      <label for="kf-rate">Requests</label> <input id="kf-rate" name="rate_requests" type="number" min="1">
      <label for="kf-interval">per</label> <select id="kf-interval" name="rate_interval"><option value="minute">minute</option><option value="hour">hour</option><option value="day">day</option></select>
    </fieldset>
    <label for="kf-expires">Expires (empty = never)</label> <input id="kf-expires" name="expires_at" type="datetime-local">
    <p id="key-form-error" class="error" role="alert"></p>
    <div class="row end"><button type="button" class="button" data-close>Cancel</button><button type="submit" class="button primary" id="key-form-submit" value="save">Save</button></div>
  </form>
</dialog>
<dialog id="confirm-dialog" aria-labelledby="confirm-title">
  <form method="dialog" class="stack">
    <h2 id="confirm-title">Are you sure?</h2>
    <p id="confirm-text"></p>
    <div class="row end"><button class="button" value="cancel">Cancel</button><button class="button danger" value="ok" id="confirm-ok">Delete</button></div>
  </form>
</dialog>
<dialog id="generation-dialog" aria-labelledby="generation-title">
  <form method="dialog" class="stack">
    <h2 id="generation-title">Generation</h2>
    <dl id="generation-detail" class="detail-list"></dl>
    <div class="row end"><button class="button" value="close">Close</button></div>
  </form>
</dialog>`;

export function consolePage(): Html {
  const body = html`<noscript><p class="callout">The console needs JavaScript. The <a href="/docs">management API</a> works with any HTTP client.</p></noscript>
  ${signIn}
  <div id="app" hidden>
    <div class="console-bar">
      <div role="tablist" aria-label="Console sections" class="console-tabs">
        ${TABS.map(([id, label], i) => html`<button type="button" role="tab" id="tab-${id}" aria-controls="view-${id}" aria-selected="${i === 0 ? "true" : "false"}" tabindex="${i === 0 ? "0" : "-1"}" data-view="${id}">${label}</button>`)}
      </div>
      <button type="button" class="button" id="signout">Sign out</button>
    </div>
    <p id="app-error" class="error" role="alert"></p>
    ${keysView}${usageView}${generationsView}${playgroundView}${settingsView}
  </div>
  ${dialogs}`;
  return page({ title: "Console · ARouter", nav: "console", wide: true, styles: ["/assets/console.css"], scripts: ["/assets/console.js"] }, body);
}
