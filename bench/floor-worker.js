// The benchmark's floor: the least work any gateway that meters streams and enforces a per-key
// spend limit consistently must do on top of the pass-through.
//   1. forward the request exactly like bench/passthrough-worker.js;
//   2. before forwarding, one Durable Object RPC round trip (admit: the per-key reservation — a
//      limit is only consistent if one object per key serializes the requests), keyed by a fixed
//      name as the bench uses one API key; in memory only, no storage writes;
//   3. see every byte of the answer (a gateway can only meter what it reads): streams
//      (text/event-stream) are read chunk by chunk in JS and re-emitted through a JS-backed
//      ReadableStream, no parsing; other answers are read whole (arrayBuffer) and re-sent;
//   4. after the answer is complete (or the client went away), one more RPC in ctx.waitUntil
//      (settle).
// No auth, no parsing, no translation, no D1/KV. Bindings: UPSTREAM_URL (the fake upstream's
// origin), COUNTER (Durable Object namespace of class Counter below).
import { DurableObject } from "cloudflare:workers";

const FORWARD = ["content-type", "accept", "authorization", "x-api-key", "anthropic-version", "anthropic-beta", "x-goog-api-key"];

export class Counter extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.admitted = 0;
    this.inFlight = 0;
    this.bytes = 0;
  }

  admit() {
    this.admitted++;
    this.inFlight++;
    return { ok: true };
  }

  settle(bytes) {
    this.inFlight--;
    this.bytes += bytes;
    return { ok: true };
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const headers = new Headers();
    for (const name of FORWARD) {
      const v = request.headers.get(name);
      if (v !== null) headers.set(name, v);
    }
    // The CPU breakdown (--profile) runs the floor once without its two RPCs, to price a round trip.
    const noDo = request.headers.get("x-bench-floor") === "no-do";
    const stub = noDo ? null : env.COUNTER.get(env.COUNTER.idFromName("bench"));
    const admitted = noDo ? { ok: true } : await stub.admit();
    if (!admitted.ok) return new Response("limit", { status: 402 });

    let settled = false;
    const settle = (bytes) => {
      if (settled) return;
      settled = true;
      if (stub) ctx.waitUntil(stub.settle(bytes));
    };

    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    let res;
    try {
      res = await fetch(env.UPSTREAM_URL + url.pathname + url.search, {
        method: request.method,
        headers,
        body: hasBody ? request.body : undefined,
      });
    } catch (e) {
      settle(0);
      throw e;
    }
    const init = { status: res.status, statusText: res.statusText, headers: res.headers };

    if (!res.body || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      const buf = await res.arrayBuffer();
      settle(buf.byteLength);
      return new Response(buf, init);
    }

    // Stream: pull one upstream chunk each time the response wants one (backpressure: nothing is
    // read ahead of the client beyond the stream's one-chunk queue).
    const reader = res.body.getReader();
    let bytes = 0;
    const body = new ReadableStream({
      async pull(controller) {
        let r;
        try {
          r = await reader.read();
        } catch (e) {
          settle(bytes);
          controller.error(e);
          return;
        }
        if (r.done) {
          settle(bytes);
          controller.close();
          return;
        }
        bytes += r.value.byteLength;
        controller.enqueue(r.value);
      },
      cancel(reason) {
        settle(bytes);
        return reader.cancel(reason);
      },
    });
    return new Response(body, init);
  },
};
