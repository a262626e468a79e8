/**
 * What the upstream model accepts, read from its id. Only used to DROP parameters that a known
 * model family rejects with a 400 (the gateway never sends a request it knows will fail);
 * unknown ids get the modern behaviour.
 */
export interface GeminiModelTraits {
  /** thinkingConfig is accepted (Gemini 2.5+, Gemma 4+, unknown models). */
  thinking: boolean;
  /** Gemini 3+: thinkingLevel instead of thinkingBudget; function calls need thought signatures. */
  gemini3: boolean;
  /** 3 Pro (not 3.1) accepts only low/high thinking levels. */
  levelsLowHighOnly: boolean;
  /** Only Gemini 3 Flash accepts thinkingLevel "minimal" (3.1+ models reject it with a 400). */
  minimalLevel: boolean;
  /** Smallest accepted thinkingBudget: 2.5 Pro cannot turn thinking off (128..32768). */
  minThinkingBudget: number;
  /**
   * Largest accepted thinkingBudget (2.5 Flash and Flash-Lite 24576, 2.5 Pro 32768; larger is a
   * 400). Undefined where Google documents no limit the gateway knows.
   */
  maxThinkingBudget?: number;
  /** presencePenalty/frequencyPenalty: only gemini-2.0-flash and the 1.5 "-002" models accept them. */
  penalties: boolean;
}

export function geminiModelTraits(model: string): GeminiModelTraits {
  const id = model.startsWith("models/") ? model.slice("models/".length) : model;
  // `gemini-flash-latest`, `gemini-pro-latest`… are aliases of the current (3.x) generation.
  const alias = /^gemini-(?:flash|pro|flash-lite)-latest$/.test(id);
  const version = /^gemini-(\d+)(?:\.(\d+))?/.exec(id);
  const gemma = /^gemma-(\d+)/.exec(id);
  const major = version ? Number(version[1]) : undefined;
  const minor = version?.[2] ? Number(version[2]) : 0;

  const oldGemini = major !== undefined && (major < 2 || (major === 2 && minor < 5));
  const oldGemma = gemma !== null && Number(gemma[1]) < 4;
  const gemini3 = alias || (major !== undefined && major >= 3);
  return {
    thinking: !oldGemini && !oldGemma && !id.startsWith("learnlm-"),
    gemini3,
    levelsLowHighOnly: /^gemini-3-pro(?:-|$)/.test(id),
    minimalLevel: /^gemini-3-flash(?:-|$)/.test(id),
    minThinkingBudget: /^gemini-2\.5-pro/.test(id) ? 128 : 0,
    maxThinkingBudget: /^gemini-2\.5-pro/.test(id) ? 32768 : /^gemini-2\.5-flash/.test(id) ? 24576 : undefined,
    penalties: /^gemini-2\.0-flash/.test(id) || /^gemini-1\.5-.*-002$/.test(id),
  };
}
