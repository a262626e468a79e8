import { describe, expect, it } from "vitest";
import { geminiSchemaToJsonSchema } from "../../../src/codecs/gemini/convert-schema";
import { geminiModelTraits } from "../../../src/codecs/gemini/gemini-models";
import { applyPartialArgs, parseJsonPath, type PartialArgsState } from "../../../src/codecs/gemini/partial-args";

describe("Gemini Schema → JSON Schema", () => {
  it("lowercases types, handles nullable, int64 strings and Gemini-only keywords, recursively", () => {
    expect(
      geminiSchemaToJsonSchema({
        type: "OBJECT",
        nullable: true,
        properties: {
          kind: { anyOf: [{ type: "STRING" }, { type: "NUMBER" }], nullable: true },
          tags: { type: "ARRAY", items: { type: "STRING", format: "enum", enum: ["a"] }, maxItems: "3", example: ["a"] },
          any: { nullable: true, description: "anything" },
        },
        propertyOrdering: ["kind", "tags"],
        minProperties: "x",
      }),
    ).toEqual({
      type: ["object", "null"],
      properties: {
        kind: { anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }] },
        tags: { type: "array", items: { type: "string", format: "enum", enum: ["a"] }, maxItems: 3 },
        any: { anyOf: [{ description: "anything" }, { type: "null" }] },
      },
      minProperties: "x",
    });
  });
});

describe("Vertex partialArgs", () => {
  it("parses simple JSONPaths and refuses the rest", () => {
    expect(parseJsonPath("$.a.b[12]['c d'][\"e\"]")).toEqual(["a", "b", 12, "c d", "e"]);
    expect(parseJsonPath("$")).toEqual([]);
    for (const bad of ["a.b", "$..a", "$[x]", "$.a[", "$a"]) expect(parseJsonPath(bad)).toBeUndefined();
  });

  it("continues strings, sets scalars, and ignores prototype keys", () => {
    const state: PartialArgsState = { args: {} };
    applyPartialArgs(state, [
      { jsonPath: "$.s", stringValue: "ab", willContinue: true },
      { jsonPath: "$.s", stringValue: "cd" },
      { jsonPath: "$.s", stringValue: "new" },
      { jsonPath: "$.list[1].n", numberValue: 2 },
      { jsonPath: "$.flag", boolValue: true },
      { jsonPath: "$.none", nullValue: "NULL_VALUE" },
      { jsonPath: "$.__proto__.polluted", stringValue: "x" },
      { jsonPath: "$.skip" },
      "junk",
    ]);
    expect(JSON.stringify(state.args)).toBe('{"s":"new","list":[null,{"n":2}],"flag":true,"none":null}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("model traits", () => {
  it("reads capabilities from the model id", () => {
    expect(geminiModelTraits("models/gemini-2.5-pro")).toMatchObject({ thinking: true, gemini3: false, minThinkingBudget: 128 });
    expect(geminiModelTraits("gemini-2.0-flash-lite")).toMatchObject({ thinking: false, penalties: true });
    expect(geminiModelTraits("gemini-3-pro-preview")).toMatchObject({ gemini3: true, levelsLowHighOnly: true, minimalLevel: false });
    expect(geminiModelTraits("gemini-3-flash-preview")).toMatchObject({ gemini3: true, minimalLevel: true, penalties: false });
    expect(geminiModelTraits("gemini-pro-latest")).toMatchObject({ gemini3: true, thinking: true });
    expect(geminiModelTraits("tunedModels/my-model")).toMatchObject({ thinking: true, gemini3: false });
  });
});
