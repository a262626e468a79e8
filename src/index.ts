import { app } from "./app";
import { scheduled } from "./catalog/refresh";
import type { Env } from "./env";

export { ResponseStore } from "./response-store/response-store";
export { SpendCounter } from "./spend/spend-counter";

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
