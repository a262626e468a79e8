import { describe, expect, it } from "vitest";
import { geminiCodec } from "../../../src/codecs/gemini";
import { BadRequestError } from "../../../src/errors/gateway-error";
import fullRaw from "../../fixtures/gemini/request-full.json?raw";
import historyRaw from "../../fixtures/gemini/request-tools-history.json?raw";

const decode = (body: unknown, hints: { model?: string; stream?: boolean } = { model: "gemini-2.5-flash" }) =>
  geminiCodec.decodeRequest(body, hints);
const user = (text: string) => ({ role: "user", parts: [{ text }] });

function badRequest(body: unknown, hints?: { model?: string }): string {
  try {
    decode(body, hints);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return (e as Error).message;
  }
  throw new Error("expected a BadRequestError");
}

describe("gemini decodeRequest", () => {
  it("decodes llm-gemini's snake_case tool history (function_call / function_response)", () => {
    const body = JSON.parse(historyRaw);
    const sig = body.contents[1].parts[1].thoughtSignature;
    expect(decode(body, { model: "gemini-3-flash-preview", stream: true })).toEqual({
      model: "gemini-3-flash-preview",
      stream: true,
      messages: [
        { role: "user", content: [{ type: "text", text: "What is 5 times 3?" }] },
        {
          role: "assistant",
          content: [{ type: "tool-call", id: "call_1_1", name: "multiply", arguments: '{"y":3,"x":5}', thoughtSignature: sig }],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "call_1_1",
              name: "multiply",
              content: [{ type: "text", text: '{"output":"15"}' }],
            },
          ],
        },
      ],
      tools: [
        {
          name: "multiply",
          description: "Multiply two numbers.",
          parameters: {
            properties: { x: { type: "integer" }, y: { type: "integer" } },
            required: ["x", "y"],
            type: "object",
          },
        },
      ],
      extensions: { gemini: { safetySettings: body.safetySettings } },
    });
  });

  it("decodes every canonical field of an SDK request", () => {
    const body = JSON.parse(fullRaw);
    expect(decode(body, { model: "models/gemini-2.5-flash" })).toEqual({
      model: "gemini-2.5-flash",
      stream: false,
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Answer in English." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe this picture and the attached PDF." },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: body.contents[0].parts[1].inlineData.data } },
            {
              type: "file",
              source: { kind: "url", url: "https://generativelanguage.googleapis.com/v1beta/files/abc123" },
              mediaType: "application/pdf",
            },
          ],
        },
      ],
      tools: [
        {
          name: "lookup_order",
          description: "Find an order.",
          parameters: {
            type: "object",
            properties: {
              order_id: { type: "string", description: "The id" },
              status: { type: ["string", "null"], enum: ["open", "closed", null] },
              items: { type: "array", items: { type: "integer" }, minItems: 1 },
            },
            required: ["order_id"],
          },
        },
      ],
      toolChoice: { type: "tool", name: "lookup_order" },
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxTokens: 1024,
      stop: ["END"],
      seed: 7,
      responseFormat: {
        type: "json_schema",
        schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"] },
      },
      reasoning: { maxTokens: 2048, exclude: false },
      extensions: {
        gemini: {
          tools: [{ googleSearch: {} }],
          generationConfig: { responseModalities: ["TEXT"] },
          cachedContent: "cachedContents/xyz",
        },
      },
    });
  });

  it("accepts snake_case top-level fields and a body-level model", () => {
    const req = decode(
      {
        model: "models/gemini-2.0-flash",
        contents: [{ parts: [{ text: "hi" }] }],
        system_instruction: { role: "system", parts: [{ text: "sys" }] },
        generation_config: { max_output_tokens: 5, stop_sequences: ["x"] },
        tool_config: { function_calling_config: { mode: "NONE" } },
        safety_settings: [],
      },
      {},
    );
    expect(req.model).toBe("gemini-2.0-flash");
    expect(req.system).toEqual([{ type: "text", text: "sys" }]);
    expect(req.maxTokens).toBe(5);
    expect(req.stop).toEqual(["x"]);
    expect(req.toolChoice).toEqual({ type: "none" });
    expect(req.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  it("treats null fields as unset (proto3 JSON), as llm-gemini sends them", () => {
    const req = decode({
      contents: [{ role: "user", parts: [{ text: "hi", thought: null }] }],
      tools: [{ functionDeclarations: [{ name: "f", description: null, parameters: null }] }],
      generationConfig: null,
    });
    expect(req.tools).toEqual([{ name: "f", parameters: { type: "object", properties: {} } }]);
    expect(req.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  it("keeps a user turn that is only empty text (instructions-only prompts)", () => {
    const req = decode({
      contents: [{ parts: [{ text: "" }], role: "user" }],
      systemInstruction: { parts: [{ text: "Tell three jokes." }], role: "user" },
    });
    expect(req.messages).toEqual([{ role: "user", content: [{ type: "text", text: "" }] }]);
    expect(geminiCodec.encodeRequest(req, "gemini-3-flash-preview").contents).toEqual([{ role: "user", parts: [{ text: "" }] }]);
  });

  it("pairs id-less function responses with calls by name, then by order", () => {
    const req = decode({
      contents: [
        user("go"),
        {
          role: "model",
          parts: [
            { functionCall: { name: "a", args: {} } },
            { functionCall: { name: "b", args: { x: 1 } } },
            { functionCall: { name: "a", args: { y: 2 } } },
          ],
        },
        {
          role: "function",
          parts: [
            { functionResponse: { name: "b", response: { ok: true } } },
            { functionResponse: { name: "a", response: { content: "first a" } } },
            { functionResponse: { name: "zzz", response: {} } },
          ],
        },
      ],
    });
    expect(req.messages[1].content.map((p) => (p.type === "tool-call" ? p.id : ""))).toEqual(["call_1_0", "call_1_1", "call_1_2"]);
    expect(req.messages[2]).toEqual({
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "call_1_1", name: "b", content: [{ type: "text", text: '{"ok":true}' }] },
        { type: "tool-result", toolCallId: "call_1_0", name: "a", content: [{ type: "text", text: "first a" }] },
        { type: "tool-result", toolCallId: "call_1_2", name: "zzz", content: [{ type: "text", text: "{}" }] },
      ],
    });
  });

  it("keeps explicit ids, unpacks packed ids, and marks error responses", () => {
    const req = decode({
      contents: [
        user("go"),
        { role: "model", parts: [{ functionCall: { id: "toolu_1__ts_c2lnbmF0dXJl", name: "f", args: {} } }] },
        {
          role: "user",
          parts: [
            { text: "and then?" },
            { functionResponse: { id: "toolu_1__ts_c2lnbmF0dXJl", name: "f", response: { error: { code: 7 } } } },
          ],
        },
      ],
    });
    expect(req.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "tool-call", id: "toolu_1", name: "f", arguments: "{}", thoughtSignature: "c2lnbmF0dXJl" }],
    });
    // Tool results come before the rest of the turn (OpenAI / Anthropic ordering rules).
    expect(req.messages.slice(2)).toEqual([
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "toolu_1", name: "f", content: [{ type: "text", text: '{"code":7}' }], isError: true }],
      },
      { role: "user", content: [{ type: "text", text: "and then?" }] },
    ]);
  });

  it("maps multimodal function responses and media parts", () => {
    const req = decode({
      contents: [
        user("x"),
        { role: "model", parts: [{ functionCall: { id: "c1", name: "shot", args: {} } }] },
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                id: "c1",
                name: "shot",
                response: { content: "see image" },
                parts: [{ inlineData: { mimeType: "image/jpeg", data: "AAAA" } }],
              },
            },
            { fileData: { mimeType: "image/png", fileUri: "https://x.test/a.png" } },
            { inlineData: { mimeType: "application/pdf", data: "JVBE", displayName: "doc.pdf" } },
          ],
        },
      ],
    });
    expect(req.messages.slice(2)).toEqual([
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            name: "shot",
            content: [
              { type: "text", text: "see image" },
              { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "AAAA" } },
            ],
          },
        ],
      },
      {
        role: "user",
        content: [
          { type: "image", source: { kind: "url", url: "https://x.test/a.png" } },
          { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" }, mediaType: "application/pdf", filename: "doc.pdf" },
        ],
      },
    ]);
    expect(req.extensions).toBeUndefined();
  });

  it("maps model thoughts to reasoning and drops empty text parts", () => {
    const req = decode({
      contents: [user("q"), { role: "model", parts: [{ text: "hmm", thought: true }, { text: "" }, { text: "answer" }] }],
    });
    expect(req.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "hmm" },
        { type: "text", text: "answer" },
      ],
    });
  });

  it("keeps verbatim contents when something would be lost (text signatures, code execution)", () => {
    const contents = [
      user("compute"),
      {
        role: "model",
        parts: [
          { executableCode: { language: "PYTHON", code: "print(1)" }, thoughtSignature: "c2ln" },
          { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1\n" } },
          { text: "It printed 1.", thoughtSignature: "c2lnMg==" },
        ],
      },
      user("thanks"),
    ];
    const req = decode({ contents, tools: [{ codeExecution: {} }] });
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "compute" }] },
      { role: "assistant", content: [{ type: "text", text: "It printed 1." }] },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ]);
    expect(req.extensions?.gemini).toEqual({ contents, contentsMessageCount: 3, tools: [{ codeExecution: {} }] });
  });

  it("decodes thinkingConfig", () => {
    const thinking = (thinkingConfig: unknown) =>
      decode({ contents: [user("x")], generationConfig: { thinkingConfig } }).reasoning;
    expect(thinking({ thinkingBudget: 0 })).toEqual({ enabled: false, exclude: true });
    expect(thinking({ thinkingBudget: -1, includeThoughts: true })).toEqual({ enabled: true, exclude: false });
    expect(thinking({ thinkingBudget: 512, includeThoughts: false })).toEqual({ maxTokens: 512, exclude: true });
    expect(thinking({ thinkingLevel: "HIGH" })).toEqual({ effort: "high", exclude: true });
    expect(thinking({ thinking_level: "low", include_thoughts: true })).toEqual({ effort: "low", exclude: false });
    expect(decode({ contents: [user("x")] }).reasoning).toBeUndefined();
  });

  it("decodes function-calling modes", () => {
    const mode = (functionCallingConfig: unknown) =>
      decode({ contents: [user("x")], toolConfig: { functionCallingConfig } });
    expect(mode({ mode: "AUTO" }).toolChoice).toEqual({ type: "auto" });
    expect(mode({ mode: "VALIDATED" }).toolChoice).toEqual({ type: "auto" });
    expect(mode({ mode: "NONE" }).toolChoice).toEqual({ type: "none" });
    expect(mode({ mode: "ANY" }).toolChoice).toEqual({ type: "required" });
    expect(mode({ mode: "any", allowedFunctionNames: ["f"] }).toolChoice).toEqual({ type: "tool", name: "f" });
    const several = mode({ mode: "ANY", allowedFunctionNames: ["f", "g"], streamFunctionCallArguments: true });
    expect(several.toolChoice).toEqual({ type: "required" });
    expect(several.extensions?.gemini).toEqual({
      allowedFunctionNames: ["f", "g"],
      toolConfig: { functionCallingConfig: { streamFunctionCallArguments: true } },
    });
    expect(mode({}).toolChoice).toBeUndefined();
  });

  it("decodes response formats", () => {
    const format = (generationConfig: Record<string, unknown>) =>
      decode({ contents: [user("x")], generationConfig });
    expect(format({ responseMimeType: "application/json" }).responseFormat).toEqual({ type: "json_object" });
    expect(format({ responseMimeType: "text/plain" }).responseFormat).toEqual({ type: "text" });
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    expect(format({ responseMimeType: "application/json", responseJsonSchema: schema }).responseFormat).toEqual({
      type: "json_schema",
      schema,
    });
    const enumOut = format({ responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a", "b"] } });
    expect(enumOut.responseFormat).toBeUndefined();
    expect(enumOut.extensions?.gemini?.generationConfig).toEqual({
      responseMimeType: "text/x.enum",
      responseSchema: { type: "STRING", enum: ["a", "b"] },
    });
  });

  it("rejects bad input with Google-style messages naming the field", () => {
    expect(badRequest({ contents: [user("x")], foo: 1 })).toBe(
      'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
    );
    expect(badRequest({ contents: [{ role: "user", parts: [{ text: "x" }], extra: true }] })).toBe(
      `Invalid JSON payload received. Unknown name "extra" at 'contents[0]': Cannot find field.`,
    );
    expect(badRequest({ contents: [user("x")], generationConfig: { thinkingConfig: { budget: 1 } } })).toMatch(
      /Unknown name "budget" at 'generationConfig.thinkingConfig'/,
    );
    expect(badRequest({ contents: [{ parts: [{ text: 5 }] }] })).toMatch(/^contents\[0\]\.parts\[0\]\.text: /);
    expect(badRequest({ contents: "hi" })).toMatch(/^contents: /);
    expect(badRequest({})).toMatch(/^contents: /);
    expect(badRequest({ contents: [] })).toBe("contents: contents is not specified");
    expect(badRequest([1])).toMatch(/Expected a JSON object/);
    expect(badRequest({ contents: [{ role: "assistant", parts: [{ text: "x" }] }] })).toBe(
      "contents[0].role: Please use a valid role: user, model.",
    );
    expect(badRequest({ contents: [{ role: "user", parts: [] }] })).toMatch(/^contents\[0\]\.parts: /);
    expect(badRequest({ contents: [{ parts: [{ thoughtSignature: "x" }] }] })).toMatch(/^contents\[0\]\.parts\[0\]: required oneof/);
    expect(badRequest({ contents: [{ parts: [{ text: "a", inlineData: { mimeType: "image/png", data: "AAAA" } }] }] })).toMatch(
      /oneof field 'data' is already set/,
    );
    expect(badRequest({ contents: [user("x")], generationConfig: { candidateCount: 2 } })).toBe(
      "generationConfig.candidateCount: only 1 candidate is supported",
    );
    expect(badRequest({ contents: [user("x")], toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } })).toMatch(
      /^toolConfig\.functionCallingConfig\.mode: Invalid value "SOMETIMES"/,
    );
    expect(badRequest({ contents: [user("x")], generationConfig: { thinkingConfig: { thinkingLevel: "max" } } })).toMatch(
      /^generationConfig\.thinkingConfig\.thinkingLevel: /,
    );
    expect(badRequest({ contents: [user("x")], generationConfig: { temperature: "hot" } })).toMatch(
      /^generationConfig\.temperature: /,
    );
    expect(
      badRequest({ contents: [user("x")], tools: [{ functionDeclarations: [{ name: "f", parametersJsonSchema: "no" }] }] }),
    ).toBe("tools[0].functionDeclarations[0].parametersJsonSchema: expected a JSON Schema object");
    expect(badRequest({ contents: [user("x")] }, {})).toMatch(/^model: /);
  });
});
