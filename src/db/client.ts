import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof db>;

/** A drizzle client over the D1 binding (cheap: no connection, just a wrapper). */
export const db = (d1: D1Database) => drizzle(d1, { schema });
