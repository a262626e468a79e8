import { Hono } from "hono";
import { openaiCodec } from "../codecs/openai";
import type { AppBindings } from "../env";
import { errorsAs } from "../gateway/render-error";

export const audioRoutes = new Hono<AppBindings>().onError(errorsAs(openaiCodec));
