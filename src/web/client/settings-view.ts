// Management keys tab: create (shown once), list, delete — rotation without redeploying.
import { api, type ManagementKey } from "./api";
import { $, h, when } from "./dom";
import { confirmDialog } from "./ui";

let list: ManagementKey[] = [];

export async function loadManagementKeys(): Promise<void> {
  const res = await api<{ data: ManagementKey[] }>("GET", "/api/v1/management-keys");
  list = res.data;
  $("#mgmt-table tbody").replaceChildren(
    ...(list.length
      ? list.map((k) =>
          h("tr", { "data-hash": k.hash }, h("th", { scope: "row" }, k.name), h("td", {}, h("code", {}, k.label)), h("td", {}, when(k.created_at)),
            h("td", {}, h("button", { type: "button", class: "button small danger", "data-delete": k.hash }, "Delete"))),
        )
      : [h("tr", {}, h("td", { colspan: "4", class: "muted" }, "Only the deployed MANAGEMENT_KEY secret so far."))]),
  );
}

export function initSettings(onError: (e: unknown) => void): void {
  $<HTMLFormElement>("#mgmt-create").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = $<HTMLInputElement>("#mgmt-name");
    try {
      const res = await api<{ key: string }>("POST", "/api/v1/management-keys", { name: input.value.trim() });
      $("#new-mgmt-key").textContent = res.key;
      $("#mgmt-created").hidden = false;
      input.value = "";
      await loadManagementKeys();
    } catch (e) {
      onError(e);
    }
  });
  $("#mgmt-table").addEventListener("click", async (ev) => {
    const hash = (ev.target as HTMLElement).closest<HTMLButtonElement>("button[data-delete]")?.dataset.delete;
    const k = list.find((x) => x.hash === hash);
    if (!k) return;
    if (!(await confirmDialog(`Delete the management key “${k.name}”? Anyone signed in with it is signed out on their next action.`))) return;
    try {
      await api("DELETE", `/api/v1/management-keys/${k.hash}`);
      await loadManagementKeys();
    } catch (e) {
      onError(e);
    }
  });
}
