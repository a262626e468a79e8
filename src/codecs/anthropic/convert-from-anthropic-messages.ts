/**
 * Anthropic `messages` → canonical messages.
 *
 * Blocks with no canonical equivalent (server_tool_use and its *_tool_result blocks,
 * container_upload, search_result, file-id sources, citations, mid-conversation system
 * messages…) cannot travel through the canonical model. They are dropped from the canonical
 * messages and `lossy` is set; decodeRequest then keeps the raw messages in
 * extensions.anthropic so an Anthropic upstream still receives them verbatim.
 *
 * Two of them are translated for the other upstreams rather than dropped, because an agent
 * depends on them: `tool_reference` blocks in a tool result become the referenced tools'
 * definitions as text (convert-deferred-tools.ts), and a mid-conversation `role: "system"`
 * message becomes user text marked as a system reminder (system-messages.ts).
 */
import type {
  AssistantContentPart,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from "../../canonical/types";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import {
  documentBlockParamSchema,
  imageBlockParamSchema,
  redactedThinkingBlockParamSchema,
  textBlockParamSchema,
  thinkingBlockParamSchema,
  toolResultBlockParamSchema,
  toolUseBlockParamSchema,
  type MessageParam,
} from "./anthropic-api";
import { fromWireCacheControl, utf8ToBase64 } from "./content-utils";
import { toolReferencesText, type ToolTableEntry } from "./convert-deferred-tools";
import { searchCallPart, searchResultPart } from "./convert-tool-search-history";
import { systemReminder } from "./system-messages";
import { parseOrThrow, type Path } from "./validation";

type RawBlock = { type: string; [key: string]: unknown };

export interface DecodedMessages {
  messages: Message[];
  /** Text of role:"system" messages that come before the conversation starts. */
  leadingSystem: TextPart[];
  lossy: boolean;
}

/**
 * `tools`: the request's tools by name, for the definitions tool_reference blocks point at;
 * `searchTools`: the names of its server-side search tools (their calls stay in the history).
 */
export function decodeAnthropicMessages(
  raw: MessageParam[],
  tools: ReadonlyMap<string, ToolTableEntry> = new Map(),
  searchTools: ReadonlySet<string> = new Set(),
): DecodedMessages {
  const state = new DecodeState(tools, searchTools);
  let conversationStarted = false;
  raw.forEach((msg, i) => {
    const path: Path = ["messages", i, "content"];
    const blocks: RawBlock[] = typeof msg.content === "string" ? [{ type: "text", text: msg.content }] : msg.content;
    if (msg.role === "system") {
      // Mid-conversation system messages (Claude Opus 4.8+) have no canonical slot: leading ones
      // join the system prompt, later ones become user text marked as a system reminder. Their
      // tool changes are applied to the tools (convert-deferred-tools.ts); one that is only shown
      // until the next user message (clear_at) is gone once there is one.
      state.lossy = true;
      if (msg.clear_at === "next_user_message" && raw.slice(i + 1).some((m) => m.role === "user")) return;
      const texts = blocks.flatMap((b, j) => (b.type === "text" ? [state.text(b, [...path, j])] : []));
      if (texts.length === 0) return;
      if (conversationStarted) state.appendUserText(systemReminder(texts));
      else state.leadingSystem.push(...texts);
      return;
    }
    conversationStarted = true;
    if (msg.role === "assistant") state.assistant(blocks, path);
    else state.user(blocks, path);
  });
  return { messages: state.messages, leadingSystem: state.leadingSystem, lossy: state.lossy };
}

class DecodeState {
  messages: Message[] = [];
  leadingSystem: TextPart[] = [];
  lossy = false;
  /** tool_use id → name, so tool results carry the function name (Gemini needs it). */
  private toolNames = new Map<string, string>();

  constructor(
    private readonly tools: ReadonlyMap<string, ToolTableEntry>,
    private readonly searchTools: ReadonlySet<string>,
  ) {}

  push(message: Message): void {
    if (message.content.length > 0) this.messages.push(message);
  }

  /** Text that ends the user turn before it (one turn, as Anthropic merges them), or starts one. */
  appendUserText(part: TextPart): void {
    const last = this.messages[this.messages.length - 1];
    if (last?.role === "user") last.content.push(part);
    else this.messages.push({ role: "user", content: [part] });
  }

  text(block: RawBlock, path: Path): TextPart {
    const b = parseOrThrow(textBlockParamSchema, block, path);
    if (b.citations && b.citations.length > 0) this.lossy = true;
    const part: TextPart = { type: "text", text: b.text };
    const cc = fromWireCacheControl(b.cache_control);
    if (cc) part.cacheControl = cc;
    return part;
  }

  image(block: RawBlock, path: Path): ImagePart | undefined {
    const b = parseOrThrow(imageBlockParamSchema, block, path);
    if (b.transformations !== undefined) this.lossy = true;
    const src = b.source;
    if (src.type === "file") {
      this.lossy = true;
      return undefined;
    }
    const part: ImagePart = {
      type: "image",
      source: src.type === "url" ? { kind: "url", url: src.url } : { kind: "base64", mediaType: src.media_type, data: src.data },
    };
    const cc = fromWireCacheControl(b.cache_control);
    if (cc) part.cacheControl = cc;
    return part;
  }

  document(block: RawBlock, path: Path): FilePart | undefined {
    const b = parseOrThrow(documentBlockParamSchema, block, path);
    if (b.citations?.enabled || b.context) this.lossy = true;
    const src = b.source;
    let part: FilePart;
    switch (src.type) {
      case "base64":
        part = { type: "file", source: { kind: "base64", mediaType: src.media_type, data: src.data }, mediaType: src.media_type };
        break;
      case "url":
        // Anthropic URL documents are PDFs.
        part = { type: "file", source: { kind: "url", url: src.url }, mediaType: "application/pdf" };
        break;
      case "text":
        part = plainTextFile(src.data);
        break;
      case "content": {
        // Custom-content documents: other upstreams get the text as a plain-text file.
        this.lossy = true;
        const text =
          typeof src.content === "string"
            ? src.content
            : src.content.flatMap((c) => (c.type === "text" && typeof c.text === "string" ? [c.text] : [])).join("\n");
        part = plainTextFile(text);
        break;
      }
      default:
        this.lossy = true;
        return undefined;
    }
    if (b.title) part.filename = b.title;
    const cc = fromWireCacheControl(b.cache_control);
    if (cc) part.cacheControl = cc;
    return part;
  }

  /** User content: runs of tool_result blocks become canonical `tool` messages, in order. */
  user(blocks: RawBlock[], path: Path): void {
    let userParts: UserContentPart[] = [];
    let toolParts: ToolResultPart[] = [];
    const flushUser = () => {
      this.push({ role: "user", content: userParts });
      userParts = [];
    };
    const flushTool = () => {
      this.push({ role: "tool", content: toolParts });
      toolParts = [];
    };
    blocks.forEach((block, j) => {
      const p = [...path, j];
      if (block.type === "tool_result") {
        flushUser();
        toolParts.push(this.toolResult(block, p));
        return;
      }
      const part = this.userPart(block, p);
      if (!part) return;
      flushTool();
      userParts.push(part);
    });
    flushUser();
    flushTool();
  }

  private userPart(block: RawBlock, path: Path): UserContentPart | undefined {
    switch (block.type) {
      case "text":
        return this.text(block, path);
      case "image":
        return this.image(block, path);
      case "document":
        return this.document(block, path);
      default:
        // search_result, container_upload, server tool results, …: Anthropic-only.
        this.lossy = true;
        return undefined;
    }
  }

  private toolResult(block: RawBlock, path: Path): ToolResultPart {
    const b = parseOrThrow(toolResultBlockParamSchema, block, path);
    if (b.toolset_name) this.lossy = true;
    const id = unpackToolCallId(b.tool_use_id).id;
    const content: ToolResultPart["content"] = [];
    if (typeof b.content === "string") content.push({ type: "text", text: b.content });
    else if (b.content) {
      const references: string[] = [];
      b.content.forEach((c, k) => {
        if (c.type === "tool_reference" && typeof c.tool_name === "string") {
          references.push(c.tool_name);
          return;
        }
        const part = this.userPart(c, [...path, "content", k]);
        if (part) content.push(part);
      });
      if (references.length > 0) {
        this.lossy = true;
        content.push(toolReferencesText(references, this.tools));
      }
    }
    const part: ToolResultPart = { type: "tool-result", toolCallId: id, content };
    const name = this.toolNames.get(id);
    if (name) part.name = name;
    if (b.is_error) part.isError = true;
    const cc = fromWireCacheControl(b.cache_control);
    if (cc) part.cacheControl = cc;
    return part;
  }

  assistant(blocks: RawBlock[], path: Path): void {
    const content: AssistantContentPart[] = [];
    blocks.forEach((block, j) => {
      const p = [...path, j];
      switch (block.type) {
        case "text":
          content.push(this.text(block, p));
          return;
        case "thinking": {
          const b = parseOrThrow(thinkingBlockParamSchema, block, p);
          content.push(b.signature ? { type: "reasoning", text: b.thinking, signature: b.signature } : { type: "reasoning", text: b.thinking });
          return;
        }
        case "redacted_thinking": {
          const b = parseOrThrow(redactedThinkingBlockParamSchema, block, p);
          content.push({ type: "reasoning", text: "", redactedData: b.data });
          return;
        }
        case "tool_use": {
          const b = parseOrThrow(toolUseBlockParamSchema, block, p);
          // Calls made by code execution (programmatic tool calling) only make sense to Anthropic.
          if ((b.caller && b.caller.type !== "direct") || b.toolset_name) this.lossy = true;
          const { id, thoughtSignature } = unpackToolCallId(b.id);
          this.toolNames.set(id, b.name);
          content.push({
            type: "tool-call",
            id,
            name: b.name,
            arguments: JSON.stringify(b.input ?? {}),
            ...(thoughtSignature ? { thoughtSignature } : {}),
            ...(b.cache_control ? { cacheControl: fromWireCacheControl(b.cache_control) } : {}),
          });
          return;
        }
        case "server_tool_use":
        case "tool_search_tool_result":
          this.lossy = true;
          this.searchBlock(block, content);
          return;
        default:
          // server_tool_use, web_search_tool_result, compaction, … (or an image in an
          // assistant turn): the canonical assistant message cannot hold them.
          this.lossy = true;
      }
    });
    this.push({ role: "assistant", content });
  }

  /** A tool search in the turn: its call joins the turn, its result ends it (a tool message follows). */
  private searchBlock(block: RawBlock, content: AssistantContentPart[]): void {
    if (block.type === "server_tool_use") {
      const call = searchCallPart(block, this.searchTools);
      if (call) this.toolNames.set(call.id, call.name);
      if (call) content.push(call);
      return;
    }
    const id = typeof block.tool_use_id === "string" ? unpackToolCallId(block.tool_use_id).id : "";
    const result = searchResultPart(block, this.toolNames.get(id), this.tools);
    if (!result || !this.toolNames.has(id)) return;
    this.push({ role: "assistant", content: content.splice(0) });
    this.push({ role: "tool", content: [result] });
  }
}

function plainTextFile(text: string): FilePart {
  return { type: "file", source: { kind: "base64", mediaType: "text/plain", data: utf8ToBase64(text) }, mediaType: "text/plain" };
}
