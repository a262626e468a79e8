/** What the response store keeps and answers (the RPC shapes of ResponseStore). */

/** One Responses item as JSON text, with its `id` (null when it has none). */
export interface StoredItem {
  id: string | null;
  json: string;
}

/** One stored response: the turn's own input items and its answer. */
export interface StoredTurn {
  /** The response id (`gen-…`, the request's generation id). */
  id: string;
  previousId?: string;
  /** Unix ms. */
  createdAt: number;
  expiresAt: number;
  /** The Response object as JSON text, its `output` left empty (the items are stored apart). */
  head: string;
  /** The caller's input items of this turn (item references resolved), without earlier turns. */
  input: StoredItem[];
  /** The answer's output items, reasoning payloads included. */
  output: StoredItem[];
}

export interface StoredResponse {
  head: string;
  output: StoredItem[];
}

/**
 * A page of a conversation's items (`next`: where the next page starts), or the first response of
 * its chain that is gone.
 */
export type ItemPage = { items: StoredItem[]; next?: number } | { missing: string };
