import type { Env } from "../env";
import { BadRequestError } from "../errors/gateway-error";

/**
 * The Anthropic headers a same-format upstream receives from the caller.
 *
 * `anthropic-beta`: a beta can change what a request costs or reads — the 1M-context beta bills
 * long prompts at a premium, `files-api` reads files stored in the operator's Anthropic account,
 * MCP and code execution run remote work — so only betas on an allow-list are forwarded; the
 * others are dropped. The built-in list holds what Claude Code and the SDKs send and changes no
 * price; an operator extends it with ANTHROPIC_BETAS_ALLOWED (comma list, or `*` for every beta).
 *
 * `anthropic-version`: a date (`2023-06-01`; SDKs send newer ones), else 400 — it is forwarded
 * as a header, and Anthropic itself refuses a date that is not a version.
 */
export const DEFAULT_ANTHROPIC_BETAS: readonly string[] = [
  "claude-code-20250219",
  "interleaved-thinking-2025-05-14",
  "context-management-2025-06-27",
  "mid-conversation-tool-changes-2026-07-01",
  "thinking-token-count-2026-05-13",
  "thinking-display-updates-2026-08-18",
  "advanced-tool-use-2025-11-20",
  "effort-2025-11-24",
  "fine-grained-tool-streaming-2025-05-14",
  "token-efficient-tools-2025-02-19",
  "prompt-caching-2024-07-31",
  "output-128k-2025-02-19",
  "structured-outputs-2025-11-13",
  "pdfs-2024-09-25",
  "token-counting-2024-11-01",
  "computer-use-2024-10-22",
  "computer-use-2025-01-24",
  "computer-use-2025-11-24",
  "search-results-2025-06-09",
  "model-context-window-exceeded-2025-08-26",
  "web-search-2025-03-05",
  "web-fetch-2025-09-10",
];


function allowedBetas(env: Env): Set<string> | "all" {
  const extra = typeof env.ANTHROPIC_BETAS_ALLOWED === "string" ? env.ANTHROPIC_BETAS_ALLOWED.split(",").map((s) => s.trim()).filter(Boolean) : [];
  if (extra.includes("*")) return "all";
  return new Set([...DEFAULT_ANTHROPIC_BETAS, ...extra]);
}

function isVersionDate(v: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
}

export function anthropicHeaders(req: Request, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  const version = req.headers.get("anthropic-version")?.trim();
  if (version) {
    if (!isVersionDate(version)) {
      throw new BadRequestError(`anthropic-version: '${version.slice(0, 40)}' is not an API version (a date such as 2023-06-01).`, {
        fields: ["anthropic-version"],
      });
    }
    out["anthropic-version"] = version;
  }
  const beta = req.headers.get("anthropic-beta");
  if (beta) {
    const allowed = allowedBetas(env);
    const kept = beta
      .split(",")
      .map((b) => b.trim())
      .filter((b) => b && (allowed === "all" || allowed.has(b)));
    if (kept.length > 0) out["anthropic-beta"] = kept.join(",");
  }
  return out;
}
