/**
 * Streams the raw input of a custom tool call out of its canonical argument fragments, which are
 * pieces of `{"input": "<JSON-escaped text>"}` (canonical/tools.ts): a provider without custom
 * tools writes that object token by token. Each fragment yields the text it completes, unescaped,
 * so `response.custom_tool_call_input.delta` events flow as the model writes.
 *
 * Only one call's state is held: the few characters before the string starts, an unfinished
 * escape, and a trailing high surrogate (never sent alone: strict JSON parsers reject a lone
 * surrogate escape). Arguments of any other shape (a model that added keys first, or answered
 * without JSON) are passed on whole at the end, as unwrapCustomInput reads them.
 */
import { unwrapCustomInput } from "../../canonical/tools";

const OPENING = /^\s*\{\s*"input"\s*:\s*"/;
const MAX_PREFIX = 64;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export class CustomInputExtractor {
  private mode: "prefix" | "string" | "done" | "whole" = "prefix";
  private prefix = "";
  private escape = "";
  private held = "";
  /** Every fragment, for the arguments that do not have the expected shape. */
  private raw = "";

  /** The input text this fragment completes ("" when none yet). */
  push(fragment: string): string {
    this.raw += fragment;
    if (this.mode === "whole" || this.mode === "done") return "";
    let text = fragment;
    if (this.mode === "prefix") {
      this.prefix += fragment;
      const m = OPENING.exec(this.prefix);
      if (!m) {
        if (this.prefix.length > MAX_PREFIX) this.mode = "whole";
        return "";
      }
      this.mode = "string";
      text = this.prefix.slice(m[0].length);
      this.prefix = "";
    }
    return this.release(this.decode(text));
  }

  /** What is left to send when the call ends. */
  finish(): string {
    if (this.mode === "whole" || this.mode === "prefix") {
      this.mode = "done";
      return unwrapCustomInput(this.raw);
    }
    const rest = this.held;
    this.held = "";
    return rest;
  }

  private decode(text: string): string {
    let out = "";
    for (let i = 0; i < text.length && this.mode === "string"; i++) {
      const ch = text[i];
      if (this.escape) {
        this.escape += ch;
        if (this.escape.length === 2 && this.escape !== "\\u") {
          out += SIMPLE_ESCAPES[ch] ?? ch;
          this.escape = "";
        } else if (this.escape.length === 6) {
          const code = parseInt(this.escape.slice(2), 16);
          out += Number.isNaN(code) ? "" : String.fromCharCode(code);
          this.escape = "";
        }
      } else if (ch === "\\") this.escape = "\\";
      else if (ch === '"') this.mode = "done";
      else out += ch;
    }
    return out;
  }

  /** Holds back a trailing high surrogate until its pair arrives. */
  private release(text: string): string {
    const all = this.held + text;
    const last = all.charCodeAt(all.length - 1);
    if (all.length > 0 && last >= 0xd800 && last <= 0xdbff && this.mode === "string") {
      this.held = all.slice(-1);
      return all.slice(0, -1);
    }
    this.held = "";
    return all;
  }
}
