// Console-wide UI bits: the error line and the confirmation dialog.
import { $ } from "./dom";

export function showError(e: unknown): void {
  $("#app-error").textContent = e instanceof Error ? e.message : String(e);
}

export function clearError(): void {
  $("#app-error").textContent = "";
}

/** Resolves true when the operator confirms. */
export function confirmDialog(text: string, ok = "Delete"): Promise<boolean> {
  const dialog = $<HTMLDialogElement>("#confirm-dialog");
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = ok;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}
