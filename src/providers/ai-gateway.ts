// Cloudflare AI Gateway in front of any provider it supports: with AI_GATEWAY_ACCOUNT_ID and
// AI_GATEWAY_ID set, a provider's calls go to the operator's gateway URL for that provider (so
// its caching, logs and analytics apply) instead of the provider's own host. Off by default; an
// explicit <NAME>_BASE_URL always wins.
import type { Env } from "../env";

export interface AiGatewaySettings {
  accountId: string;
  gatewayId: string;
  /** Authenticated gateways want `cf-aig-authorization: Bearer <token>`. */
  token?: string;
  /** https://gateway.ai.cloudflare.com/v1, or AI_GATEWAY_BASE_URL (a test server, a proxy). */
  root: string;
}

const DEFAULT_ROOT = "https://gateway.ai.cloudflare.com/v1";
const str = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);

/** The configured AI Gateway, or undefined when it is off. */
export function aiGatewaySettings(env: Env): AiGatewaySettings | undefined {
  const accountId = str(env.AI_GATEWAY_ACCOUNT_ID);
  const gatewayId = str(env.AI_GATEWAY_ID);
  if (!accountId || !gatewayId) return undefined;
  const root = str(env.AI_GATEWAY_BASE_URL) ?? DEFAULT_ROOT;
  return { accountId, gatewayId, token: str(env.AI_GATEWAY_TOKEN), root: root.endsWith("/") ? root.slice(0, -1) : root };
}

/**
 * The one URL rule: `{root}/{account}/{gateway}/{slug}{path}`, e.g.
 * https://gateway.ai.cloudflare.com/v1/acc/gw/mistral/v1 for Mistral's `https://api.mistral.ai/v1`.
 */
export function aiGatewayUrl(s: AiGatewaySettings, slug: string, path = ""): string {
  return `${s.root}/${encodeURIComponent(s.accountId)}/${encodeURIComponent(s.gatewayId)}/${slug}${path}`;
}

/** Headers every call through the gateway carries (none for an unauthenticated gateway). */
export function aiGatewayHeaders(s: AiGatewaySettings | undefined): Record<string, string> | undefined {
  return s?.token ? { "cf-aig-authorization": `Bearer ${s.token}` } : undefined;
}
