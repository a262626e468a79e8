/**
 * Mid-conversation system messages (`role: "system"` inside `messages`, Claude Opus 4.8+; Claude
 * Code sends them to models it does not know) for models that have no such role: every upstream
 * that is not Anthropic, and Claude models released before Opus 4.8, which reject them ("role
 * 'system' is not supported on this model").
 *
 * They become user text wrapped in `<system-reminder>` tags, the convention Claude Code itself uses
 * for the same instructions with older Claude models, so the model still reads them as system
 * context and not as something the user said. They stay where they were: moving them into the
 * top-level system prompt would change the start of the prompt every turn and defeat caching.
 */
import type { TextPart } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import { acceptsMidConversationSystem } from "./anthropic-models";

const reminderText = (texts: string[]) => `<system-reminder>\n${texts.join("\n\n")}\n</system-reminder>`;

/** The text parts of one system message as a single reminder (the last part's cache_control kept). */
export function systemReminder(texts: TextPart[]): TextPart {
  const part: TextPart = { type: "text", text: reminderText(texts.map((t) => t.text)) };
  const cc = texts.at(-1)?.cacheControl;
  if (cc) part.cacheControl = cc;
  return part;
}

/**
 * A raw Anthropic body (messages + system) fit for `upstreamModel`: its system messages inlined
 * when the model has no such role, else untouched. Mutates the (already copied) body.
 */
export function adaptSystemMessages(body: Record<string, unknown>, upstreamModel: string): void {
  const messages = body.messages;
  if (!Array.isArray(messages) || !messages.some((m) => isRecord(m) && m.role === "system")) return;
  if (acceptsMidConversationSystem(upstreamModel)) return;
  const inlined = inlineSystemMessages(messages, body.system);
  body.messages = inlined.messages;
  if (inlined.system !== undefined) body.system = inlined.system;
}

/**
 * Raw Anthropic messages with every system message turned into a reminder: appended to the user
 * message before it (after any tool_result blocks, which must come first), or as a user message of
 * its own. Leading system messages (before any turn) join the top-level `system` instead.
 */
export function inlineSystemMessages(messages: unknown[], system: unknown): { messages: unknown[]; system: unknown } {
  const out: Record<string, unknown>[] = [];
  const leading: Record<string, unknown>[] = [];
  messages.forEach((m, i) => {
    if (!isRecord(m)) return;
    if (m.role !== "system") {
      out.push(m);
      return;
    }
    // Tool changes have no place outside a system message: they are dropped with it.
    const texts = blocksOf(m.content).filter((b) => b.type === "text");
    const cleared = m.clear_at === "next_user_message" && messages.slice(i + 1).some((n) => isRecord(n) && n.role === "user");
    if (texts.length === 0 || cleared) return;
    if (out.length === 0) {
      leading.push(...texts);
      return;
    }
    const cc = texts.at(-1)?.cache_control;
    const text = reminderText(texts.map((b) => (typeof b.text === "string" ? b.text : "")));
    const block: Record<string, unknown> = cc ? { type: "text", text, cache_control: cc } : { type: "text", text };
    const prev = out[out.length - 1];
    if (prev.role === "user") out[out.length - 1] = { ...prev, content: [...blocksOf(prev.content), block] };
    else out.push({ role: "user", content: [block] });
  });
  if (leading.length === 0) return { messages: out, system };
  return { messages: out, system: [...blocksOf(system), ...leading] };
}

/** Message (or system) content as blocks. */
function blocksOf(content: unknown): Record<string, unknown>[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  if (!Array.isArray(content)) return [];
  return content.filter(isRecord);
}
