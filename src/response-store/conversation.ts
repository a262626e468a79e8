/**
 * State on the Responses surface, around one request:
 * - before: `previous_response_id` and `item_reference` items are expanded into the request's own
 *   `input` (the stored conversation, then the caller's items), so every upstream — and the
 *   same-format passthrough — gets the whole conversation and no id it could not resolve;
 * - after: a `store`d request's answer is written (ResponseKeeper) before the caller gets it.
 */
import type { AnswerKeeper } from "../gateway/chat/prepare";
import type { Env } from "../env";
import { BadRequestError } from "../errors/gateway-error";
import { isRecord, safeJsonParse } from "../streams/json";
import { forInput, inputItems, referencedIds, toStoredItems } from "./items";
import type { ResponseStore } from "./response-store";
import type { ItemPage, StoredItem } from "./types";

type Item = Record<string, unknown>;

const DAY_MS = 86_400_000;

export function responseStore(env: Env, keyHash: string): DurableObjectStub<ResponseStore> {
  return env.RESPONSES.get(env.RESPONSES.idFromName(keyHash));
}

/** How long a stored response is kept: RESPONSES_RETENTION_DAYS (default 30). */
export function retentionMs(env: Env): number {
  const days = Number(env.RESPONSES_RETENTION_DAYS);
  return (Number.isFinite(days) && days > 0 ? days : 30) * DAY_MS;
}

export interface Turn {
  /** The caller's body with the conversation expanded into `input` (unchanged when there is none). */
  body: Record<string, unknown>;
  /** This turn's own input items, references resolved: what a stored response keeps of it. */
  input: Item[];
  /** Bytes the expansion added to the prompt (for the spend reservation). */
  addedBytes: number;
  /** Whether `body` differs from the caller's. */
  expanded: boolean;
}

/** Reads what `previous_response_id` and `item_reference`s name; 400 when something is gone. */
export async function expandConversation(env: Env, keyHash: string, body: Record<string, unknown>): Promise<Turn> {
  const own = inputItems(body.input);
  const previous = typeof body.previous_response_id === "string" ? body.previous_response_id : undefined;
  const refs = referencedIds(own);
  if (previous === undefined && refs.length === 0) return { body, input: own, addedBytes: 0, expanded: false };

  const store = responseStore(env, keyHash);
  const [history, found] = await Promise.all([
    previous !== undefined ? storedItems(store, previous, "continuation") : Promise.resolve({ items: [] as StoredItem[] }),
    refs.length > 0 ? store.findItems(refs) : Promise.resolve({} as Record<string, string>),
  ]);
  if ("missing" in history) {
    const message = history.missing === previous ? `Previous response with id '${previous}' not found.` : `Previous response with id '${previous}' continues response '${history.missing}', which was deleted or has expired.`;
    throw new BadRequestError(message, { param: "previous_response_id" });
  }
  let addedBytes = 0;
  const parse = (json: string, what: string): Item => {
    addedBytes += utf8Bytes(json);
    const p = safeJsonParse(json);
    if (!p.ok || !isRecord(p.value)) throw new Error(`stored ${what} is not a JSON object`);
    return forInput(p.value);
  };
  const input = own.map((it, i) => {
    if (it.type !== "item_reference" || typeof it.id !== "string") return it;
    const json = found[it.id];
    if (json === undefined) throw new BadRequestError(`input[${i}]: item with id '${it.id}' not found.`, { param: `input[${i}].id` });
    return parse(json, "item");
  });
  const past = history.items.map((it) => parse(it.json, "item"));
  return { body: { ...body, input: [...past, ...input] }, input, addedBytes, expanded: true };
}

/** Every item of a stored conversation (see ResponseStore.items), read page by page. */
export async function storedItems(
  store: DurableObjectStub<ResponseStore>,
  id: string,
  which: "continuation" | "input",
): Promise<{ items: StoredItem[] } | { missing: string }> {
  const items: StoredItem[] = [];
  for (let start: number | undefined = 0; start !== undefined; ) {
    const page: ItemPage = await store.items(id, which, start);
    if ("missing" in page) return page;
    items.push(...page.items);
    start = page.next;
  }
  return { items };
}

/** The UTF-8 size of a string, without encoding it. */
function utf8Bytes(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
  }
  return n;
}

/**
 * Keeps a `store`d answer: the encoder hands over the final Response object (reasoning payloads
 * included) and the write starts at once; the answer's last bytes wait for it (saved()). A failed
 * write is logged and the answer still goes out — it was generated and billed — but is not kept.
 */
export class ResponseKeeper implements AnswerKeeper {
  private pending?: Promise<void>;

  constructor(
    private readonly env: Env,
    private readonly keyHash: string,
    private readonly turn: { previousId?: string; input: Item[] },
  ) {}

  capture(answer: Record<string, unknown>): void {
    const id = String(answer.id);
    const output = Array.isArray(answer.output) ? answer.output.filter(isRecord) : [];
    const now = Date.now();
    const write = responseStore(this.env, this.keyHash).put({
      id,
      previousId: this.turn.previousId,
      createdAt: now,
      expiresAt: now + retentionMs(this.env),
      head: JSON.stringify({ ...answer, output: [] }),
      input: toStoredItems(this.turn.input, id, "in"),
      output: toStoredItems(output, id, "out"),
    });
    this.pending = write.catch((err: unknown) => {
      console.error(`[arouter] storing response ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  saved(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }
}
