import { Hono } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { credentialOf } from "../auth/token";
import { checkModelIds } from "../canonical/request-limits";
import { openaiCodec } from "../codecs/openai";
import type { AppBindings } from "../env";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";
import { decodeImagesEdit, decodeImagesGeneration } from "../media/images/images-api";
import { runImages } from "../media/images/run";
import { readMultipart } from "../media/multipart";

/**
 * The OpenAI Images API (Bearer auth): `POST /generations` (JSON) and `POST /edits` (multipart),
 * answered by OpenAI's image models, Google's Imagen and Gemini image models, and the FLUX models
 * of Workers AI, Together and Fireworks. Errors in OpenAI's shape.
 */
export const imagesRoutes = new Hono<AppBindings>()
  .post("/generations", async (c) => {
    const { key, value: req } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => modelChecked(decodeImagesGeneration((await readJsonObject(c)).body)));
    return runImages({ env: c.env, ctx: c.executionCtx, req, key, clientSignal: c.req.raw.signal });
  })
  .post("/edits", async (c) => {
    const { key, value: req } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => modelChecked(await decodeImagesEdit((await readMultipart(c)).form)));
    return runImages({ env: c.env, ctx: c.executionCtx, req, key, clientSignal: c.req.raw.signal });
  })
  .onError(errorsAs(openaiCodec));

/** Model ids (and fallbacks) printable and at most 256 characters, as on every surface (issue #11). */
function modelChecked<T extends Parameters<typeof checkModelIds>[0]>(req: T): T {
  checkModelIds(req, "model");
  return req;
}
