import type { MiddlewareHandler } from "hono";
import { authenticateApiKey } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import type { ModelsBindings } from "./models";

/**
 * The model list is public (SDKs list models before they have a key), but with a key it shows
 * only the providers that key may use; a key that is present but invalid is still a 401.
 */
export const optionalKeyForModels: MiddlewareHandler<ModelsBindings> = async (c, next) => {
  const token = extractToken(c.req.raw);
  if (token) c.set("allowedProviders", (await authenticateApiKey(c.env, token)).allowedProviders);
  await next();
};
