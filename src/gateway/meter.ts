import type { FinishReason, StreamEvent, Usage } from "../canonical/types";

/**
 * Watches canonical events to know what a stream delivered: the usage to bill (the last running
 * total wins), and, when a stream is cut before the upstream reported usage, an estimate from the
 * characters seen so nothing goes unbilled.
 */
export class StreamMeter {
  usage?: Usage;
  startUsage?: Usage;
  model?: string;
  finishReason?: FinishReason;
  nativeFinishReason?: string;
  firstTokenAt?: number;
  contentChars = 0;
  error?: { status: number; message: string; errorType?: string };

  observe(ev: StreamEvent): void {
    switch (ev.type) {
      case "start":
        if (ev.model) this.model = ev.model;
        if (ev.usage) this.startUsage = ev.usage;
        return;
      case "text-delta":
      case "reasoning-delta":
        this.firstTokenAt ??= Date.now();
        this.contentChars += ev.text.length;
        return;
      case "tool-call-start":
        this.firstTokenAt ??= Date.now();
        this.contentChars += ev.name.length;
        return;
      case "tool-call-delta":
        this.contentChars += ev.argumentsDelta.length;
        return;
      case "image":
      case "audio-delta":
        this.firstTokenAt ??= Date.now();
        return;
      case "usage":
        this.usage = ev.usage;
        return;
      case "finish":
        this.firstTokenAt ??= Date.now();
        this.finishReason = ev.finishReason;
        this.nativeFinishReason = ev.nativeFinishReason;
        return;
      case "error":
        this.error = { status: ev.status, message: ev.message, errorType: ev.errorType };
        return;
    }
  }

  /**
   * Usage to bill: the upstream's own numbers, or an estimate from what was seen. The estimate of
   * the output never passes `maxOutputTokens` (what the upstream was allowed to produce, and what
   * the reservation assumed), so a cut stream is never billed past its worst case.
   */
  billableUsage(estimatedInputTokens: number, maxOutputTokens = Infinity): Usage {
    if (this.usage && (this.usage.inputTokens > 0 || this.usage.outputTokens > 0)) {
      const seenOut = Math.min(Math.ceil(this.contentChars / 4), maxOutputTokens);
      // A stream cut short may carry only the provisional usage of its start event.
      return this.usage.outputTokens >= seenOut || this.finishReason
        ? this.usage
        : { ...this.usage, outputTokens: seenOut };
    }
    return {
      inputTokens: this.startUsage?.inputTokens || estimatedInputTokens,
      outputTokens: Math.min(Math.ceil(this.contentChars / 4), maxOutputTokens),
      cachedInputTokens: this.startUsage?.cachedInputTokens,
      cacheWriteTokens: this.startUsage?.cacheWriteTokens,
    };
  }
}

export const isContentEvent = (ev: StreamEvent) =>
  ev.type === "text-delta" ||
  ev.type === "reasoning-delta" ||
  ev.type === "reasoning-signature" ||
  ev.type === "reasoning-redacted" ||
  ev.type === "reasoning-encrypted" ||
  ev.type === "tool-call-start" ||
  ev.type === "tool-call-delta" ||
  ev.type === "image" ||
  ev.type === "audio-delta" ||
  ev.type === "finish";

/**
 * Upper bound on prompt tokens from the request size, for spend reservations: a token is at
 * least ~2 bytes of JSON-encoded text in every tokenizer we price, and each image costs at most
 * ~1,600 tokens at the providers' default detail.
 */
export function estimateInputTokens(bodyBytes: number, imageCount: number): number {
  return Math.ceil(bodyBytes / 2) + imageCount * 1600;
}
