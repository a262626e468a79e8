import { inject, it, expect } from "vitest";
import { env } from "cloudflare:test";
it("reaches loopback", async () => {
  const r = await fetch(inject("fakeUpstreamUrl") + "/x");
  expect(await r.json()).toEqual({ ok: true, path: "/x" });
  expect(env.DB).toBeDefined();
});
