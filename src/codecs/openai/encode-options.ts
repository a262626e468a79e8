/**
 * Knobs for the upstream side. OpenAI proper and the many "OpenAI-compatible" providers disagree
 * on a few fields; the provider layer picks per provider (see createOpenAICodec in index.ts).
 * The defaults are the most widely accepted choices.
 */
export interface OpenAIEncodeOptions {
  /**
   * Field that carries maxTokens. Default "max_tokens": every compatible provider accepts it.
   * OpenAI proper deprecated it and rejects it for reasoning models (o-series, gpt-5), so the
   * OpenAI provider should ask for "max_completion_tokens".
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /**
   * How the reasoning config is sent. Default "reasoning_effort" (OpenAI, DeepSeek, Groq, xAI…).
   * "openrouter" sends OpenRouter's `reasoning: {effort, max_tokens, exclude, enabled}` object.
   * "thinking" sends only the switch `thinking: {type: "enabled" | "disabled"}` (Z.ai GLM).
   * "enable_thinking" sends Qwen's `enable_thinking` boolean and `thinking_budget` (DashScope).
   */
  reasoningParam?: "reasoning_effort" | "openrouter" | "thinking" | "enable_thinking";
  /**
   * Send `stream_options: {include_usage: true}` on streams. Default true (OpenAI sends no usage
   * without it); false for providers that reject the field and report usage anyway (Cohere, Z.ai).
   */
  streamOptions?: boolean;
  /**
   * Also send the thinking-mode switch `thinking: {type: "enabled" | "disabled"}` next to
   * reasoning_effort (DeepSeek: the effort only tunes thinking, the switch turns it on or off).
   */
  thinkingSwitch?: boolean;
  /**
   * How reasoning from earlier assistant turns is sent back. Default "openrouter": `reasoning` +
   * `reasoning_details` (signatures and encrypted blocks kept). "reasoning_content" is DeepSeek's
   * field; "none" drops it.
   */
  reasoningHistory?: "openrouter" | "reasoning_content" | "none";
  /**
   * How canonical cacheControl markers are sent. Default "none": OpenAI caches automatically and
   * strict compatible providers reject unknown part fields. "cache_control" is OpenRouter's
   * Anthropic-style marker; "prompt_cache_breakpoint" is OpenAI's explicit breakpoint (gpt-5.6+).
   */
  cacheControl?: "none" | "cache_control" | "prompt_cache_breakpoint";
  /** Send top_k. Default false: it is not an OpenAI parameter and api.openai.com rejects it. */
  sendTopK?: boolean;
}
