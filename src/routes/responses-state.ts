/**
 * The stored responses of the calling key: `GET /v1/responses/{id}`, `DELETE /v1/responses/{id}`,
 * `GET /v1/responses/{id}/input_items`. Only the key that created a response can see it (each
 * key's responses live in its own object). The key is checked against its Durable Object on every
 * call (never an isolate's cached copy): a key just deleted reads nothing.
 */
import type { Context } from "hono";
import { authenticateApiKey } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import type { AppBindings } from "../env";
import { BadRequestError, NotFoundError } from "../errors/gateway-error";
import { decodePath } from "../gateway/request-body";
import { responseStore, storedItems } from "../response-store/conversation";
import { withoutPayloads } from "../response-store/items";
import type { StoredItem } from "../response-store/types";
import { isRecord, safeJsonParse } from "../streams/json";

type Item = Record<string, unknown>;

const notFound = (id: string) => new NotFoundError(`Response with id '${id}' not found.`);

async function storeOf(c: Context<AppBindings>) {
  const key = await authenticateApiKey(c.env, extractToken(c.req.raw));
  return responseStore(c.env, key.hash);
}

/** `include` as OpenAI's SDKs send it (`include[]=…`, repeated) or as a comma list. */
function includesPayloads(c: Context<AppBindings>): boolean {
  const values = [...c.req.queries("include") ?? [], ...c.req.queries("include[]") ?? []].flatMap((v) => v.split(","));
  return values.includes("reasoning.encrypted_content");
}

function parseItem(s: StoredItem): Item {
  const p = safeJsonParse(s.json);
  return p.ok && isRecord(p.value) ? p.value : {};
}

export async function getResponse(c: Context<AppBindings>): Promise<Response> {
  const id = decodePath(c.req.param("id") ?? "");
  if (c.req.query("stream") === "true") throw new BadRequestError("stream: replaying a stored response as a stream is not supported; omit stream.");
  const stored = await (await storeOf(c)).get(id);
  if (!stored) throw notFound(id);
  const head = safeJsonParse(stored.head);
  const response = head.ok && isRecord(head.value) ? head.value : {};
  const payloads = includesPayloads(c);
  response.output = stored.output.map((s) => (payloads ? parseItem(s) : withoutPayloads(parseItem(s))));
  return c.json(response);
}

export async function deleteResponse(c: Context<AppBindings>): Promise<Response> {
  const id = decodePath(c.req.param("id") ?? "");
  if (!(await (await storeOf(c)).remove(id))) throw notFound(id);
  return c.json({ id, object: "response", deleted: true });
}

/** The items the response was generated from, paged like OpenAI's (`order` desc by default, `after`, `limit` 1–100). */
export async function listInputItems(c: Context<AppBindings>): Promise<Response> {
  const id = decodePath(c.req.param("id") ?? "");
  const order = c.req.query("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw new BadRequestError(`order: expected 'asc' or 'desc', got '${order}'.`, { param: "order" });
  const limitParam = c.req.query("limit");
  const limit = limitParam === undefined ? 20 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new BadRequestError("limit: expected an integer from 1 to 100.", { param: "limit" });
  const read = await storedItems(await storeOf(c), id, "input");
  if ("missing" in read) {
    if (read.missing === id) throw notFound(id);
    throw new NotFoundError(`Response '${id}' continues response '${read.missing}', which was deleted or has expired: its input items are gone.`);
  }
  const ordered = order === "desc" ? read.items.reverse() : read.items;
  const after = c.req.query("after");
  let start = 0;
  if (after !== undefined) {
    const at = ordered.findIndex((s) => s.id === after);
    if (at < 0) throw new BadRequestError(`after: no input item with id '${after}' in response '${id}'.`, { param: "after" });
    start = at + 1;
  }
  const page = ordered.slice(start, start + limit);
  const payloads = includesPayloads(c);
  const data = page.map((s) => (payloads ? parseItem(s) : withoutPayloads(parseItem(s))));
  return c.json({
    object: "list",
    data,
    first_id: page[0]?.id ?? null,
    last_id: page[page.length - 1]?.id ?? null,
    has_more: start + limit < ordered.length,
  });
}
