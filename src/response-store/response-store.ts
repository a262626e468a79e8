import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { ItemPage, StoredItem, StoredResponse, StoredTurn } from "./types";

/**
 * Characters per stored row: a SQLite value in a Durable Object is at most 2 MB, and a character
 * is at most 3 UTF-8 bytes, so one item of any size (a 10 MB inline image) spans rows of ≤ 1.5 MB.
 */
export const CHUNK_CHARS = 512 * 1024;
/** Characters of items per RPC answer (a page; the platform's message limit is far above). */
const PAGE_CHARS = 4 * 1024 * 1024;
/** Longest chain followed (a guard; ids are fresh, so a chain cannot loop). */
const MAX_CHAIN = 10_000;
/** SQLite bound parameters per statement stay under the platform's 100. */
const IDS_PER_QUERY = 50;

/** Parts of a response's rows. */
const INPUT = 0;
const OUTPUT = 1;
const HEAD = 2;

type Row = { part: number; seq: number; item_id: string | null; data: string };

/**
 * The stored responses of one API key (idFromName(key hash)): what `previous_response_id`,
 * `item_reference` and `GET/DELETE /v1/responses/{id}` read. A Durable Object, so a read sees the
 * previous write at once (a conversation continues on the very next request), and one per key, so
 * no other key can reach its responses; kept apart from the key's SpendCounter so megabytes of
 * conversation never queue behind (or in front of) the key's reservations.
 *
 * Each response is one row, and every item (its input items, output items, and the Response
 * object itself) one or more rows of ≤ CHUNK_CHARS: a long conversation is a chain of responses
 * (each holding only its own turn), never one big value. Expired responses are invisible at once
 * and deleted by an alarm.
 */
export class ResponseStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** When the armed alarm fires (undefined: unknown). */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS responses (id TEXT PRIMARY KEY, previous_id TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS responses_expiry ON responses (expires_at);
      CREATE TABLE IF NOT EXISTS items (response_id TEXT NOT NULL, part INTEGER NOT NULL, seq INTEGER NOT NULL, chunk INTEGER NOT NULL, item_id TEXT, data TEXT NOT NULL, PRIMARY KEY (response_id, part, seq, chunk));
      CREATE INDEX IF NOT EXISTS items_by_id ON items (item_id);`);
  }

  // ---- RPC -------------------------------------------------------------------------------

  async put(turn: StoredTurn): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.deleteRows(turn.id);
      this.sql.exec("INSERT INTO responses (id, previous_id, created_at, expires_at) VALUES (?, ?, ?, ?)", turn.id, turn.previousId ?? null, turn.createdAt, turn.expiresAt);
      this.writeItems(turn.id, HEAD, [{ id: null, json: turn.head }]);
      this.writeItems(turn.id, INPUT, turn.input);
      this.writeItems(turn.id, OUTPUT, turn.output);
    });
    await this.armAlarm(turn.expiresAt);
  }

  async get(id: string, now = Date.now()): Promise<StoredResponse | null> {
    if (!this.live(id, now)) return null;
    const rows = this.readItems(id);
    return { head: rows.filter((r) => r.part === HEAD)[0]?.json ?? "{}", output: rows.filter((r) => r.part === OUTPUT).map(item) };
  }

  /** Deletes a live response; false when there is none. */
  async remove(id: string, now = Date.now()): Promise<boolean> {
    if (!this.live(id, now)) return false;
    this.ctx.storage.transactionSync(() => this.deleteRows(id));
    return true;
  }

  /**
   * The items of the conversation up to `id`, oldest first, one page at a time from item `start`
   * (an answer stays far below the RPC message limit however long the conversation grew):
   * - "continuation": every turn's input and output items, what continuing `id` starts from;
   * - "input": what `id` was generated from (the same, without `id`'s own output).
   */
  async items(id: string, which: "continuation" | "input", start = 0, now = Date.now()): Promise<ItemPage> {
    const chain = this.chain(id, now);
    if ("missing" in chain) return chain;
    const items: StoredItem[] = [];
    let index = 0;
    let chars = 0;
    for (const rid of chain.ids) {
      for (const r of this.readItems(rid)) {
        if (r.part === HEAD || (which === "input" && r.part === OUTPUT && rid === id)) continue;
        if (index++ < start) continue;
        if (chars > 0 && chars + r.json.length > PAGE_CHARS) return { items, next: index - 1 };
        chars += r.json.length;
        items.push(item(r));
      }
    }
    return { items };
  }

  /** Live items by id (item_reference), JSON text by id; ids not found are absent. */
  async findItems(ids: string[], now = Date.now()): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const batch = ids.slice(i, i + IDS_PER_QUERY);
      const hits = this.sql
        .exec<{ response_id: string; part: number; seq: number; item_id: string }>(
          `SELECT i.response_id, i.part, i.seq, i.item_id FROM items i JOIN responses r ON r.id = i.response_id
           WHERE i.chunk = 0 AND i.part != ${HEAD} AND r.expires_at > ? AND i.item_id IN (${batch.map(() => "?").join(",")})`,
          now,
          ...batch,
        )
        .toArray();
      for (const h of hits) {
        const chunks = this.sql.exec<{ data: string }>("SELECT data FROM items WHERE response_id = ? AND part = ? AND seq = ? ORDER BY chunk", h.response_id, h.part, h.seq);
        let json = "";
        for (const c of chunks) json += c.data;
        out[h.item_id] = json;
      }
    }
    return out;
  }

  /** Deletes every expired response, then waits for the next expiry. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM items WHERE response_id IN (SELECT id FROM responses WHERE expires_at <= ?)", now);
      this.sql.exec("DELETE FROM responses WHERE expires_at <= ?", now);
    });
    const next = this.sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM responses").one().at;
    if (next !== null) await this.armAlarm(next);
  }

  // ---- storage ---------------------------------------------------------------------------

  private live(id: string, now: number): boolean {
    return this.sql.exec("SELECT 1 FROM responses WHERE id = ? AND expires_at > ?", id, now).toArray().length > 0;
  }

  /** Ids from the root of `id`'s conversation to `id`; the first one gone when the chain is broken. */
  private chain(id: string, now: number): { ids: string[] } | { missing: string } {
    const ids: string[] = [];
    let cur: string | null = id;
    while (cur !== null && ids.length < MAX_CHAIN) {
      const row: { previous_id: string | null } | undefined = this.sql
        .exec<{ previous_id: string | null }>("SELECT previous_id FROM responses WHERE id = ? AND expires_at > ?", cur, now)
        .toArray()[0];
      if (!row) return { missing: cur };
      ids.push(cur);
      cur = row.previous_id;
    }
    return { ids: ids.reverse() };
  }

  private writeItems(responseId: string, part: number, items: StoredItem[]): void {
    items.forEach((it, seq) => {
      for (let chunk = 0, at = 0; chunk === 0 || at < it.json.length; chunk++) {
        let end = Math.min(at + CHUNK_CHARS, it.json.length);
        // Never split a surrogate pair: a lone half would be stored as U+FFFD.
        if (end < it.json.length && isHighSurrogate(it.json.charCodeAt(end - 1))) end--;
        this.sql.exec(
          "INSERT INTO items (response_id, part, seq, chunk, item_id, data) VALUES (?, ?, ?, ?, ?, ?)",
          responseId, part, seq, chunk, chunk === 0 ? it.id : null, it.json.slice(at, end),
        );
        at = end;
      }
    });
  }

  /** Every item of a response, chunks joined, in part and item order. */
  private readItems(responseId: string): Array<{ part: number; id: string | null; json: string }> {
    const out: Array<{ part: number; seq: number; id: string | null; json: string }> = [];
    for (const r of this.sql.exec<Row>("SELECT part, seq, item_id, data FROM items WHERE response_id = ? ORDER BY part, seq, chunk", responseId)) {
      const last = out[out.length - 1];
      if (last && last.part === r.part && last.seq === r.seq) last.json += r.data;
      else out.push({ part: r.part, seq: r.seq, id: r.item_id, json: r.data });
    }
    return out;
  }

  private deleteRows(id: string): void {
    this.sql.exec("DELETE FROM items WHERE response_id = ?", id);
    this.sql.exec("DELETE FROM responses WHERE id = ?", id);
  }

  private async armAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}

const item = (r: { id: string | null; json: string }): StoredItem => ({ id: r.id, json: r.json });
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
