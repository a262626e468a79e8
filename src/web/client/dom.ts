// Tiny DOM helpers shared by the website and console scripts (no framework: the pages are
// server-rendered, these scripts only enhance them).

export function $<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

/** Creates an element; children are text (never parsed as HTML) or elements. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === "class") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Copy buttons: `data-copy="text"` or `data-copy-target="element id"`. */
export function wireCopyButtons(root: ParentNode = document): void {
  root.addEventListener("click", async (ev) => {
    const btn = (ev.target as HTMLElement | null)?.closest<HTMLButtonElement>("button[data-copy], button[data-copy-target]");
    if (!btn) return;
    const target = btn.dataset.copyTarget ? document.getElementById(btn.dataset.copyTarget) : null;
    const text = btn.dataset.copy ?? target?.textContent ?? "";
    const label = btn.textContent;
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = "Copied";
    } catch {
      // No clipboard permission (insecure origin): select the text so Ctrl+C works.
      if (target) window.getSelection()?.selectAllChildren(target);
      btn.textContent = "Press Ctrl+C";
    }
    setTimeout(() => (btn.textContent = label), 1500);
  });
}

/** ARIA tabs: arrow keys move between tabs, Enter/click selects; panels toggle `hidden`. */
export function wireTabs(tablist: HTMLElement, onSelect?: (tab: HTMLButtonElement) => void): void {
  const tabs = [...tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement, focus = false) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(t.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !on;
    }
    if (focus) tab.focus();
    onSelect?.(tab);
  };
  tablist.addEventListener("click", (ev) => {
    const tab = (ev.target as HTMLElement).closest<HTMLButtonElement>('[role="tab"]');
    if (tab) select(tab);
  });
  tablist.addEventListener("keydown", (ev) => {
    const i = tabs.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const next = ev.key === "ArrowRight" ? (i + 1) % tabs.length : ev.key === "ArrowLeft" ? (i - 1 + tabs.length) % tabs.length : ev.key === "Home" ? 0 : ev.key === "End" ? tabs.length - 1 : -1;
    if (next < 0) return;
    ev.preventDefault();
    select(tabs[next], true);
  });
  const current = tabs.find((t) => t.getAttribute("aria-selected") === "true") ?? tabs[0];
  if (current) select(current);
}

export const usd = (n: number): string => (n === 0 ? "$0" : n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(2)}`);
export const int = (n: number): string => n.toLocaleString("en-US");
export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : "—");
