// The console: sign-in with a management key, then keys, usage, generations, playground and
// management keys, each a client of the public management API (./api.ts).
import { api, session, setUnauthorizedHandler } from "./api";
import { $, wireCopyButtons, wireTabs } from "./dom";
import { initGenerations, loadGenerations } from "./generations-view";
import { initKeys, knownKeys, loadKeys } from "./keys-view";
import { forgetPlayground, initPlayground, loadModels, usePlaygroundKey } from "./playground";
import { initSettings, loadManagementKeys } from "./settings-view";
import { clearError, showError } from "./ui";
import { initUsage, loadUsage, setKeys } from "./usage-view";

const loaders: Record<string, () => Promise<void>> = {
  keys: loadKeys,
  usage: async () => {
    setKeys(knownKeys());
    await loadUsage();
  },
  generations: () => loadGenerations(),
  playground: loadModels,
  settings: loadManagementKeys,
};

function showView(view: string): void {
  clearError();
  void loaders[view]?.().catch(showError);
}

function signedIn(): void {
  $("#signin").hidden = true;
  $("#app").hidden = false;
  const current = document.querySelector<HTMLButtonElement>('.console-tabs [aria-selected="true"]');
  showView(current?.dataset.view ?? "keys");
}

function signOut(message = ""): void {
  session.clear();
  forgetPlayground();
  $("#key-created").hidden = true;
  $("#new-key").textContent = "";
  $("#mgmt-created").hidden = true;
  $("#new-mgmt-key").textContent = "";
  $("#app").hidden = true;
  $("#signin").hidden = false;
  $("#signin-error").textContent = message;
  $<HTMLInputElement>("#mgmt-key").focus();
}

setUnauthorizedHandler((message) => signOut(message));
wireCopyButtons();
wireTabs($(".console-tabs"), (tab) => {
  if (!$("#app").hidden) showView(tab.dataset.view ?? "keys");
});
initKeys((key) => usePlaygroundKey(key));
initUsage(() => void loadUsage().catch(showError));
initGenerations(showError);
initPlayground();
initSettings(showError);

$("#use-new-key").addEventListener("click", () => {
  usePlaygroundKey($("#new-key").textContent ?? "");
  $<HTMLButtonElement>("#tab-playground").click();
});

$<HTMLFormElement>("#signin-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>("#mgmt-key");
  const key = input.value.trim();
  try {
    // Any management call proves the key; the key list is needed first anyway.
    await api("GET", "/api/v1/keys?limit=1", undefined, key);
    session.set(key);
    input.value = "";
    $("#signin-error").textContent = "";
    signedIn();
  } catch (e) {
    $("#signin-error").textContent = (e as Error).message;
  }
});

$("#signout").addEventListener("click", () => signOut());

if (session.get()) signedIn();
