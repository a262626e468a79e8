// Minimal pass-through Worker: the benchmark's baseline. It forwards the request (method, path,
// query, body stream and the few headers a provider needs) to the same fake upstream the gateway
// uses, and returns the upstream response as is: no parsing, no auth, no accounting.
// Binding: UPSTREAM_URL — the fake upstream's origin, e.g. http://127.0.0.1:41234

const FORWARD = ["content-type", "accept", "authorization", "x-api-key", "anthropic-version", "anthropic-beta", "x-goog-api-key"];

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const headers = new Headers();
    for (const name of FORWARD) {
      const v = request.headers.get(name);
      if (v !== null) headers.set(name, v);
    }
    const hasBody = request.method !== "GET" && request.method !== "HEAD";
    return fetch(env.UPSTREAM_URL + url.pathname + url.search, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
    });
  },
};
