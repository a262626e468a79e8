// Website enhancements; every page works without them. The filter form submits itself as you
// tick a box or type (debounced), and keeps the focus where it was across the reload.
import { wireCopyButtons, wireTabs } from "./dom";

wireCopyButtons();

for (const tablist of document.querySelectorAll<HTMLElement>("[data-tabs] .tab-list")) {
  tablist.hidden = false;
  tablist.closest("[data-tabs]")?.classList.add("js-tabs");
  wireTabs(tablist);
}

const form = document.querySelector<HTMLFormElement>("form[data-autosubmit]");
// On a phone the filters would push the results below the fold: fold them unless some are in use.
const more = form?.querySelector<HTMLDetailsElement>("details.more-filters");
if (more && matchMedia("(max-width: 860px)").matches && !more.querySelector("summary")?.textContent?.includes("active")) more.open = false;
if (form) {
  const FOCUS_KEY = "arouter:filter-focus";
  let timer: number | undefined;
  const submit = (focusId: string) => {
    sessionStorage.setItem(FOCUS_KEY, focusId);
    form.requestSubmit();
  };
  form.addEventListener("change", (ev) => {
    const el = ev.target as HTMLInputElement;
    if (el.type !== "search") submit(el.id || `${el.name}=${el.value}`);
  });
  form.addEventListener("input", (ev) => {
    const el = ev.target as HTMLInputElement;
    if (el.type !== "search") return;
    clearTimeout(timer);
    timer = window.setTimeout(() => submit(el.id), 350);
  });
  const focus = sessionStorage.getItem(FOCUS_KEY);
  if (focus) {
    sessionStorage.removeItem(FOCUS_KEY);
    const [name, value] = focus.split("=");
    const el = value !== undefined ? form.querySelector<HTMLInputElement>(`input[name="${CSS.escape(name)}"][value="${CSS.escape(value)}"]`) : document.getElementById(focus);
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
      el.focus();
      if (el instanceof HTMLInputElement && el.type === "search") el.setSelectionRange(el.value.length, el.value.length);
    }
  }
}
