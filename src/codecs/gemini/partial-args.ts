/**
 * Vertex "streamFunctionCallArguments": a function call arrives as `{name, willContinue:true}`,
 * then chunks of `partialArgs: [{jsonPath:"$.a.b[0]", stringValue|numberValue|boolValue|nullValue,
 * willContinue?}]`, and ends with a functionCall part without willContinue. A string value with
 * willContinue is continued by the next partial arg on the same path. Arguments are assembled
 * into one object (only the call being streamed is held) and emitted whole when the call ends.
 */
import { isRecord } from "../../streams/json";

type Segment = string | number;

export interface PartialArgsState {
  args: Record<string, unknown>;
  /** Path of a string value still being continued. */
  continuingPath?: string;
}

const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

export function applyPartialArgs(state: PartialArgsState, partialArgs: unknown[] | undefined): void {
  for (const arg of partialArgs ?? []) {
    if (!isRecord(arg) || typeof arg.jsonPath !== "string") continue;
    const path = parseJsonPath(arg.jsonPath);
    if (!path || path.length === 0) continue;
    let value: unknown;
    let append = false;
    if (typeof arg.stringValue === "string") {
      append = state.continuingPath === arg.jsonPath;
      value = arg.stringValue;
      state.continuingPath = arg.willContinue === true ? arg.jsonPath : undefined;
    } else {
      state.continuingPath = undefined;
      if (typeof arg.numberValue === "number") value = arg.numberValue;
      else if (typeof arg.boolValue === "boolean") value = arg.boolValue;
      else if ("nullValue" in arg) value = null;
      else continue;
    }
    setPath(state.args, path, value, append);
  }
}

/** `$.a.b[0]["c d"]` → ["a", "b", 0, "c d"]; undefined when not a simple JSONPath. */
export function parseJsonPath(path: string): Segment[] | undefined {
  if (path[0] !== "$") return undefined;
  const out: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === ".") {
      let j = i + 1;
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
      if (j === i + 1) return undefined;
      out.push(path.slice(i + 1, j));
      i = j;
    } else if (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close === -1) return undefined;
      const inner = path.slice(i + 1, close);
      const quote = inner[0];
      if ((quote === "'" || quote === '"') && inner.length >= 2 && inner[inner.length - 1] === quote) {
        out.push(inner.slice(1, -1));
      } else if (/^\d+$/.test(inner)) {
        out.push(Number(inner));
      } else {
        return undefined;
      }
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return out;
}

function setPath(root: Record<string, unknown>, path: Segment[], value: unknown, append: boolean): void {
  if (path.some((s) => typeof s === "string" && FORBIDDEN.has(s))) return;
  let node: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    const next = path[i + 1];
    let child = Array.isArray(node) ? (typeof seg === "number" ? node[seg] : undefined) : node[String(seg)];
    if (!isContainer(child)) {
      child = typeof next === "number" ? [] : {};
      if (!assign(node, seg, child)) return;
    }
    node = child as Record<string, unknown> | unknown[];
  }
  const last = path[path.length - 1];
  const current = Array.isArray(node) ? (typeof last === "number" ? node[last] : undefined) : node[String(last)];
  assign(node, last, append && typeof current === "string" && typeof value === "string" ? current + value : value);
}

function isContainer(v: unknown): boolean {
  return Array.isArray(v) || isRecord(v);
}

function assign(node: Record<string, unknown> | unknown[], seg: Segment, value: unknown): boolean {
  if (Array.isArray(node)) {
    if (typeof seg !== "number") return false;
    node[seg] = value;
  } else {
    node[String(seg)] = value;
  }
  return true;
}
