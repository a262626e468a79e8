import type { Usage } from "../../canonical/types";
import type { BedrockUsage } from "./bedrock-api";

/**
 * Bedrock's inputTokens exclude cache reads and writes (as Anthropic's input_tokens do); the
 * canonical inputTokens count every prompt token.
 */
export function fromBedrockUsage(u: BedrockUsage): Usage {
  const read = u.cacheReadInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  const usage: Usage = { inputTokens: u.inputTokens + read + write, outputTokens: u.outputTokens };
  if (read) usage.cachedInputTokens = read;
  if (write) usage.cacheWriteTokens = write;
  return usage;
}
