import { describe, expect, it } from "vitest";
import type { CanonicalRequest, Message, ReasoningConfig } from "../../../src/canonical/types";
import { geminiCodec } from "../../../src/codecs/gemini";
import fullRaw from "../../fixtures/gemini/request-full.json?raw";
import historyRaw from "../../fixtures/gemini/request-tools-history.json?raw";

const encode = (req: CanonicalRequest, model = "gemini-2.5-flash") => geminiCodec.encodeRequest(req, model);
const base = (over: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  model: "google/gemini-2.5-flash",
  stream: false,
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  ...over,
});

describe("gemini encodeRequest", () => {
  it("encodes a cross-format conversation", () => {
    const req = base({
      system: [{ type: "text", text: "Be brief." }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?", cacheControl: { type: "ephemeral" } },
            { type: "image", source: { kind: "url", url: "https://x.test/cat.PNG?size=2" }, detail: "high" },
            { type: "image", source: { kind: "url", url: "data:image/webp;base64,UklGRg==" } },
            { type: "file", source: { kind: "url", url: "https://x.test/report" }, mediaType: "application/pdf" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "foreign thoughts", signature: "anthropic-sig" },
            { type: "text", text: "Let me look." },
            { type: "tool-call", id: "call_A", name: "lookup", arguments: '{"q":"cat"}' },
            { type: "tool-call", id: "call_B", name: "fetch", arguments: "" },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "call_A", content: [{ type: "text", text: '{"hits":3}' }] },
            { type: "tool-result", toolCallId: "call_B", name: "fetch", content: [{ type: "text", text: "404 page" }], isError: true },
          ],
        },
        { role: "user", content: [{ type: "text", text: "And?" }] },
      ],
      tools: [
        { name: "lookup", description: "Search", parameters: { type: "object", properties: { q: { type: "string" } } }, strict: true },
        { name: "fetch", parameters: {} },
      ],
      toolChoice: { type: "auto" },
      parallelToolCalls: false,
      temperature: 0.5,
      topP: 0.8,
      topK: 20,
      maxTokens: 300,
      stop: ["a", "b", "c", "d", "e", "f"],
      seed: 42,
      presencePenalty: 0.3,
      frequencyPenalty: 0.4,
      user: "u-1",
      responseFormat: { type: "json_object" },
    });
    expect(encode(req)).toEqual({
      contents: [
        {
          role: "user",
          parts: [
            { text: "What is in these?" },
            { fileData: { mimeType: "image/png", fileUri: "https://x.test/cat.PNG?size=2" } },
            { inlineData: { mimeType: "image/webp", data: "UklGRg==" } },
            { fileData: { mimeType: "application/pdf", fileUri: "https://x.test/report" } },
          ],
        },
        {
          role: "model",
          parts: [
            { text: "Let me look." },
            { functionCall: { id: "call_A", name: "lookup", args: { q: "cat" } } },
            { functionCall: { id: "call_B", name: "fetch", args: {} } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { id: "call_A", name: "lookup", response: { hits: 3 } } },
            { functionResponse: { id: "call_B", name: "fetch", response: { error: "404 page" } } },
            { text: "And?" },
          ],
        },
      ],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      tools: [
        {
          functionDeclarations: [
            { name: "lookup", description: "Search", parametersJsonSchema: { type: "object", properties: { q: { type: "string" } } } },
            { name: "fetch" },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      generationConfig: {
        temperature: 0.5,
        topP: 0.8,
        topK: 20,
        maxOutputTokens: 300,
        stopSequences: ["a", "b", "c", "d", "e"],
        seed: 42,
        responseMimeType: "application/json",
      },
    });
  });

  it("adds the documented dummy signature to unsigned calls for Gemini 3 only", () => {
    const req = base({
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [
            { type: "tool-call", id: "a", name: "f", arguments: "{}" },
            { type: "tool-call", id: "b", name: "f", arguments: "{}" },
          ],
        },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "a", content: [{ type: "text", text: "1" }] }] },
        { role: "assistant", content: [{ type: "tool-call", id: "c", name: "g", arguments: "{}", thoughtSignature: "real" }] },
      ],
    });
    const parts = (body: Record<string, unknown>, i: number) => (body.contents as Array<{ parts: unknown[] }>)[i].parts;
    const g3 = encode(req, "gemini-3-pro-preview");
    expect(parts(g3, 1)).toEqual([
      { functionCall: { id: "a", name: "f", args: {} }, thoughtSignature: "skip_thought_signature_validator" },
      { functionCall: { id: "b", name: "f", args: {} } },
    ]);
    expect(parts(g3, 3)).toEqual([{ functionCall: { id: "c", name: "g", args: {} }, thoughtSignature: "real" }]);
    expect(parts(g3, 2)).toEqual([{ functionResponse: { id: "a", name: "f", response: { content: "1" } } }]);
    expect(parts(encode(req, "gemini-flash-latest"), 1)[0]).toHaveProperty("thoughtSignature");
    expect(parts(encode(req, "gemini-2.5-pro"), 1)[0]).not.toHaveProperty("thoughtSignature");
  });

  it("puts tool-result media inside the function response on Gemini 3, as sibling parts before", () => {
    const req = base({
      messages: [
        { role: "assistant", content: [{ type: "tool-call", id: "s", name: "shot", arguments: "{}" }] },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "s",
              content: [
                { type: "text", text: "done" },
                { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
              ],
            },
          ],
        },
      ],
    });
    const userTurn = (model: string) => (encode(req, model).contents as Array<{ parts: unknown[] }>)[1].parts;
    expect(userTurn("gemini-3-flash-preview")).toEqual([
      {
        functionResponse: {
          id: "s",
          name: "shot",
          response: { content: "done" },
          parts: [{ inlineData: { mimeType: "image/png", data: "AAA" } }],
        },
      },
    ]);
    expect(userTurn("gemini-2.5-flash")).toEqual([
      { functionResponse: { id: "s", name: "shot", response: { content: "done" } } },
      { inlineData: { mimeType: "image/png", data: "AAA" } },
    ]);
  });

  it("maps reasoning to thinkingBudget (2.5) or thinkingLevel (3)", () => {
    const thinking = (reasoning: ReasoningConfig, model: string) =>
      (encode(base({ reasoning }), model).generationConfig as { thinkingConfig?: unknown } | undefined)?.thinkingConfig;
    expect(thinking({ effort: "medium" }, "gemini-2.5-flash")).toEqual({ thinkingBudget: 8192, includeThoughts: true });
    expect(thinking({ effort: "minimal", exclude: true }, "gemini-2.5-flash")).toEqual({ thinkingBudget: 512, includeThoughts: false });
    expect(thinking({ maxTokens: 3000, effort: "high" }, "gemini-2.5-flash")).toEqual({ thinkingBudget: 3000, includeThoughts: true });
    expect(thinking({ enabled: true }, "gemini-2.5-flash")).toEqual({ thinkingBudget: -1, includeThoughts: true });
    expect(thinking({ enabled: false }, "gemini-2.5-flash")).toEqual({ thinkingBudget: 0, includeThoughts: false });
    expect(thinking({ enabled: false }, "gemini-2.5-pro")).toEqual({ thinkingBudget: 128, includeThoughts: false });
    expect(thinking({ effort: "none" }, "gemini-3-pro-preview")).toEqual({ thinkingLevel: "low", includeThoughts: false });
    expect(thinking({ effort: "none" }, "gemini-3-flash-preview")).toEqual({ thinkingLevel: "minimal", includeThoughts: false });
    expect(thinking({ effort: "minimal" }, "gemini-3.7-flash")).toEqual({ thinkingLevel: "low", includeThoughts: true });
    expect(thinking({ effort: "medium" }, "gemini-3-pro-preview")).toEqual({ thinkingLevel: "high", includeThoughts: true });
    expect(thinking({ effort: "medium" }, "gemini-3.1-pro-preview")).toEqual({ thinkingLevel: "medium", includeThoughts: true });
    expect(thinking({ effort: "xhigh", exclude: true }, "gemini-3.1-pro-preview")).toEqual({ thinkingLevel: "high", includeThoughts: false });
    expect(thinking({ maxTokens: 4096 }, "gemini-3-flash-preview")).toEqual({ thinkingBudget: 4096, includeThoughts: true });
    expect(thinking({ effort: "high" }, "gemini-2.0-flash")).toBeUndefined();
    expect(thinking({ effort: "high" }, "gemma-3-27b-it")).toBeUndefined();
    expect(thinking({ effort: "high" }, "gemma-4-26b-a4b-it")).toEqual({ thinkingBudget: 24576, includeThoughts: true });
  });

  it("sends penalties only to models that accept them", () => {
    const gc = (model: string) => encode(base({ presencePenalty: 0.5, frequencyPenalty: 0.2 }), model).generationConfig;
    expect(gc("gemini-2.5-pro")).toBeUndefined();
    expect(gc("gemini-2.0-flash-001")).toEqual({ presencePenalty: 0.5, frequencyPenalty: 0.2 });
  });

  it("maps tool choices and never sends a calling mode without declarations", () => {
    const tools = [{ name: "f", parameters: { type: "object" } }];
    const cfg = (over: Partial<CanonicalRequest>) => encode(base(over)).toolConfig;
    expect(cfg({ tools, toolChoice: { type: "none" } })).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(cfg({ tools, toolChoice: { type: "required" } })).toEqual({ functionCallingConfig: { mode: "ANY" } });
    expect(cfg({ tools, toolChoice: { type: "tool", name: "f" } })).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] },
    });
    expect(cfg({ toolChoice: { type: "required" } })).toBeUndefined();
    expect(cfg({ tools })).toBeUndefined();
  });

  it("maps response formats", () => {
    const gc = (responseFormat: CanonicalRequest["responseFormat"]) => encode(base({ responseFormat })).generationConfig;
    expect(gc({ type: "text" })).toEqual({ responseMimeType: "text/plain" });
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    expect(gc({ type: "json_schema", name: "out", schema, strict: true })).toEqual({
      responseMimeType: "application/json",
      responseJsonSchema: schema,
    });
  });

  it("merges Gemini extensions back", () => {
    const body = encode(
      base({
        tools: [{ name: "f", parameters: { type: "object" } }],
        toolChoice: { type: "required" },
        temperature: 1,
        extensions: {
          gemini: {
            safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
            cachedContent: "cachedContents/c1",
            tools: [{ googleSearch: {} }],
            toolConfig: { retrievalConfig: { languageCode: "en" }, functionCallingConfig: { streamFunctionCallArguments: true } },
            allowedFunctionNames: ["f", "g"],
            generationConfig: { responseModalities: ["TEXT"], temperature: 0 },
          },
          anthropic: { ignored: true },
        },
      }),
    );
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [{ functionDeclarations: [{ name: "f", parametersJsonSchema: { type: "object" } }] }, { googleSearch: {} }],
      toolConfig: {
        retrievalConfig: { languageCode: "en" },
        functionCallingConfig: { streamFunctionCallArguments: true, mode: "ANY", allowedFunctionNames: ["f", "g"] },
      },
      generationConfig: { responseModalities: ["TEXT"], temperature: 1 },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/c1",
    });
  });

  it("uses verbatim contents only while the conversation is unchanged", () => {
    const contents = [{ role: "user", parts: [{ text: "hi", thoughtSignature: "s" }] }];
    const req = base({ extensions: { gemini: { contents, contentsMessageCount: 1 } } });
    expect(encode(req).contents).toBe(contents);
    const edited = { ...req, messages: [...req.messages, ...req.messages] };
    expect(encode(edited).contents).toEqual([{ role: "user", parts: [{ text: "hi" }, { text: "hi" }] }]);
    expect(encode(req)).not.toHaveProperty("contentsMessageCount");
  });

  it("builds countTokens and passthrough bodies", () => {
    const req = base({ system: [{ type: "text", text: "s" }], maxTokens: 5 });
    expect(geminiCodec.encodeCountTokensRequest!(req, "gemini-2.5-flash")).toEqual({
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        systemInstruction: { parts: [{ text: "s" }] },
        generationConfig: { maxOutputTokens: 5 },
      },
    });
    expect(geminiCodec.decodeCountTokensResponse!({ totalTokens: 31, promptTokensDetails: [] })).toBe(31);
    expect(geminiCodec.decodeCountTokensResponse!({})).toBeNaN();
    const raw = { model: "x", contents: [], safety_settings: [] };
    expect(geminiCodec.passthroughRequest!(raw, "gemini-2.5-pro", true)).toEqual({ contents: [], safety_settings: [] });
  });
});

describe("gemini request round trips", () => {
  const roundTrip = (req: CanonicalRequest, model: string) =>
    geminiCodec.decodeRequest(geminiCodec.encodeRequest(req, model), { model: req.model, stream: req.stream });

  it("decode(encode(x)) == x for a canonical request", () => {
    const req: CanonicalRequest = {
      model: "gemini-2.5-flash",
      stream: true,
      system: [{ type: "text", text: "sys" }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/" } },
            { type: "image", source: { kind: "url", url: "https://x.test/a.jpg" } },
            { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" }, mediaType: "application/pdf" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "text", text: "calling" },
            { type: "tool-call", id: "c1", name: "f", arguments: '{"a":[1,2]}', thoughtSignature: "sig" },
            { type: "tool-call", id: "c2", name: "g", arguments: "{}" },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "c1", name: "f", content: [{ type: "text", text: '{"ok":1}' }] },
            { type: "tool-result", toolCallId: "c2", name: "g", content: [{ type: "text", text: "plain" }], isError: true },
          ],
        },
        { role: "assistant", content: [{ type: "text", text: "done" }] },
        { role: "user", content: [{ type: "text", text: "thanks" }] },
      ],
      tools: [{ name: "f", description: "F", parameters: { type: "object", properties: { a: { type: "array" } } } }],
      toolChoice: { type: "tool", name: "f" },
      responseFormat: { type: "json_schema", schema: { type: "object" } },
      maxTokens: 100,
      temperature: 0.1,
      topP: 0.2,
      topK: 3,
      stop: ["x"],
      seed: 9,
      reasoning: { maxTokens: 1000, exclude: false },
    };
    expect(roundTrip(req, "gemini-2.5-flash")).toEqual(req);
    const g3 = { ...req, reasoning: { effort: "high" as const, exclude: true } };
    const back = roundTrip(g3, "gemini-3-pro-preview");
    // The only change: Gemini 3 needs a signature on the first unsigned call of a turn.
    expect(back.messages[1].content[2]).toEqual({ type: "tool-call", id: "c2", name: "g", arguments: "{}" });
    expect(back).toEqual(g3);
    // An unsigned first call gets the sentinel upstream, which decodes back to no signature.
    const unsigned: CanonicalRequest = {
      ...g3,
      messages: g3.messages.map((m): Message => (m.role === "assistant" && m.content.length === 3 ? { ...m, content: m.content.slice(2) } : m)),
    };
    expect(JSON.stringify(geminiCodec.encodeRequest(unsigned, "gemini-3-pro-preview"))).toContain("skip_thought_signature_validator");
    expect(roundTrip(unsigned, "gemini-3-pro-preview")).toEqual(unsigned);
  });

  it("decode(encode(decode(fixture))) == decode(fixture)", () => {
    for (const raw of [fullRaw, historyRaw]) {
      const first = geminiCodec.decodeRequest(JSON.parse(raw), { model: "gemini-2.5-flash" });
      expect(roundTrip(first, "gemini-2.5-flash")).toEqual(first);
    }
  });
});
