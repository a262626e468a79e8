/**
 * Claude Code's reasoning settings, as recorded, reaching each provider's own knob: for models it
 * does not know it sends thinking `{type: "adaptive"}` with `output_config: {effort: "high"}`; for
 * Claude Sonnet 4 thinking `{type: "enabled", budget_tokens: 31999}` with max_tokens 32000.
 * Reasoning models of other providers must think as hard as asked (not the provider's default),
 * and none may receive a value it refuses (Gemini 2.5 Flash takes at most a 24576 budget; Gemini 3
 * takes a level, not both).
 */
import { expect, it } from "vitest";
import { describeWithSharedFixtures } from "../helpers/fake-upstream";
import { readReply } from "../helpers/surface-reply";
import { ANTHROPIC_SSE, agentRig, recorded } from "./helpers";

const ADAPTIVE = "claude-code-2.1.332.messages.openai-gpt-4o.first-turn";
const BUDGET = "claude-code-2.1.332.messages.claude-sonnet-4.first-turn";

/** The recorded request sent to `model` (streamed, as recorded): what the upstream received. */
async function sentFor(fixture: string, model: string, answer: string): Promise<Record<string, any>> {
  const rig = await agentRig("cc-reasoning");
  const rec = await recorded(fixture);
  const res = await rig.send(rec, { ...rec.body, model });
  expect(res.status).toBe(200);
  expect((await readReply(ANTHROPIC_SSE, res)).text).toBe(answer);
  return (await rig.sent()).body;
}

describeWithSharedFixtures("Claude Code's thinking settings to other providers' reasoning models", () => {
  it("the recorded settings are what this test is about", async () => {
    const adaptive = (await recorded(ADAPTIVE)).body;
    expect(adaptive.thinking.type).toBe("adaptive");
    expect(adaptive.output_config).toEqual({ effort: "high" });
    const budget = (await recorded(BUDGET)).body;
    expect(budget.thinking).toMatchObject({ type: "enabled", budget_tokens: 31999 });
    expect(budget.max_tokens).toBe(32000);
  });

  for (const fixture of [ADAPTIVE, BUDGET]) {
    const name = fixture.split(".").slice(3).join(".");

    it(`${name} → OpenAI gpt-5.4: reasoning_effort high`, async () => {
      const sent = await sentFor(fixture, "openai/gpt-5.4", "Hello from fake openai (gpt-5.4)");
      // Effort high, or a budget of nearly all of max_tokens: both are OpenAI's "high".
      expect(sent.reasoning_effort).toBe("high");
      expect(sent.thinking).toBeUndefined();
    });

    it(`${name} → Gemini 2.5 Flash: the largest budget it accepts, thoughts shown`, async () => {
      const { thinkingConfig } = (await sentFor(fixture, "google/gemini-2.5-flash", "Hello from fake gemini (gemini-2.5-flash)")).generationConfig;
      expect(thinkingConfig).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    });
  }

  it("adaptive + effort high → Gemini 3: thinkingLevel high, no budget", async () => {
    const { thinkingConfig } = (await sentFor(ADAPTIVE, "google/gemini-3.1-pro-preview", "Hello from fake gemini (gemini-3.1-pro-preview)")).generationConfig;
    expect(thinkingConfig.thinkingLevel).toBe("high");
    expect(thinkingConfig.thinkingBudget).toBeUndefined();
  });
});
