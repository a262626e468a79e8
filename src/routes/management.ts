import { Hono } from "hono";
import type { AppBindings } from "../env";
import { activityRoutes } from "./activity";
import { generationRoutes } from "./generation";
import { generationsRoutes } from "./generations";
import { keyInfoRoutes } from "./key-info";
import { keysRoutes } from "./keys";
import { managementKeysRoutes } from "./management-keys";

/** Everything under /api/v1 that is not a model call. */
export const managementRoutes = new Hono<AppBindings>()
  .route("/keys", keysRoutes)
  .route("/management-keys", managementKeysRoutes)
  .route("/key", keyInfoRoutes)
  .route("/auth/key", keyInfoRoutes)
  .route("/generation", generationRoutes)
  .route("/generations", generationsRoutes)
  .route("/activity", activityRoutes);
