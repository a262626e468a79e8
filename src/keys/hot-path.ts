/**
 * Everything the request pipeline needs from keys and spend, in one import. All of it is cheap:
 * one Durable Object call each, no D1 write on the request path (settle/release run in waitUntil).
 */
export { authenticateApiKey, authenticateApiKeyRecord, confirmKey, currentKey } from "../auth/authenticate";
export { extractToken } from "../auth/token";
export { flushUsage, KeyChanged, release, reserve, settle, settleNow, type ReserveOptions, type SettleOptions } from "../spend/client";
export { tokensFromUsage } from "../usage/record";
export type { KeyContext, Reservation, Surface, UsageRecord } from "./types";
