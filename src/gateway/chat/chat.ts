import { RequestLedger } from "../ledger";
import { completeChat } from "./complete";
import type { ChatInvocation } from "./prepare";
import { streamChat } from "./stream";

/** Entry point of every chat-like surface: one ledger per request, then the streamed or the complete path. */
export function runChat(inv: ChatInvocation): Promise<Response> {
  const ledger = new RequestLedger({
    env: inv.env,
    ctx: inv.ctx,
    key: inv.key,
    surface: inv.surfaceName,
    requestedModel: inv.req.model,
    streamed: inv.req.stream,
  });
  return inv.req.stream ? streamChat(inv, ledger) : completeChat(inv, ledger);
}

