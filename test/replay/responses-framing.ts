/**
 * Framing of a Responses event stream as the Responses surface writes it (FORMATS.md §3):
 * `event: T\ndata: J\n\n` with T == J.type, every event valid and numbered from 0, the lifecycle
 * opened by response.created + response.in_progress, every item added closed by its done, and one
 * terminal event last (response.completed / .incomplete, or after an `error` event response.failed).
 */
import { responsesStreamChunkSchema } from "../../src/codecs/responses";

type Rec = Record<string, unknown>;

export function checkResponsesFraming(body: string, errored: boolean): void {
  if (!body.endsWith("\n\n")) throw new Error("Responses stream does not end with a blank line");
  const events = body
    .slice(0, -2)
    .split("\n\n")
    .filter((f) => !f.startsWith(":"))
    .map((f, i) => {
      const m = /^event: ([a-z_.]+)\ndata: (.*)$/s.exec(f);
      if (!m || m[2].includes("\n")) throw new Error(`Responses frame ${i} is not event+data: ${f.slice(0, 80)}`);
      const data = JSON.parse(m[2]) as Rec;
      if (data.type !== m[1]) throw new Error(`Responses frame ${i}: event ${m[1]} carries type ${String(data.type)}`);
      const r = responsesStreamChunkSchema.safeParse(data);
      if (!r.success) throw new Error(`Responses event ${i} (${m[1]}) fails the schema: ${JSON.stringify(r.error.issues.slice(0, 3))}`);
      if (data.sequence_number !== i) throw new Error(`Responses event ${i} has sequence_number ${String(data.sequence_number)}`);
      return data;
    });
  const types = events.map((e) => String(e.type));
  const last = types.at(-1);
  if (errored) {
    if (last !== "response.failed") throw new Error(`Responses stream with an error ends with ${last}, not response.failed`);
  } else if (last !== "response.completed" && last !== "response.incomplete") {
    throw new Error(`Responses stream ends with ${last}`);
  }
  if (types.slice(0, -1).some((t) => t.startsWith("response.") && /\.(completed|incomplete|failed)$/.test(t) && !t.includes("_call"))) {
    throw new Error("Responses stream has a terminal event before its end");
  }
  // A stream that failed before anything was produced may be just the error and the failure.
  if (errored && types[0] === "error") return;
  if (types[0] !== "response.created" || types[1] !== "response.in_progress") throw new Error(`Responses stream starts with ${types.slice(0, 2).join(", ")}`);
  const open = new Set<number>();
  for (const e of events) {
    if (e.type === "response.output_item.added") open.add(e.output_index as number);
    if (e.type === "response.output_item.done") open.delete(e.output_index as number);
  }
  // An error may cut an item short (a call cut mid-arguments must not be closed as complete).
  if (open.size > 0 && !errored) throw new Error(`Responses items ${[...open].join(", ")} never done`);
}
