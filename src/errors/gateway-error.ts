/**
 * Typed gateway errors. Every failure is one of these; the caller's codec renders it once,
 * in the caller's own wire format (see Codec.encodeError).
 */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "payment_required"
  | "permission"
  | "not_found"
  | "payload_too_large"
  | "rate_limit"
  | "upstream"
  | "overloaded"
  | "timeout"
  | "unavailable"
  | "internal";

export interface ErrorMetadata {
  provider_name?: string;
  /** The upstream's own error body / message, verbatim. */
  raw?: unknown;
  [key: string]: unknown;
}

export class GatewayError extends Error {
  readonly metadata?: ErrorMetadata;
  /** Seconds, for 429/503 Retry-After. */
  readonly retryAfter?: number;

  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    message: string,
    extra: { metadata?: ErrorMetadata; retryAfter?: number } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.metadata = extra.metadata;
    this.retryAfter = extra.retryAfter;
  }
}

export class BadRequestError extends GatewayError {
  constructor(message: string, metadata?: ErrorMetadata) {
    super(400, "invalid_request", message, { metadata });
  }
}
export class AuthenticationError extends GatewayError {
  constructor(message: string) {
    super(401, "authentication", message);
  }
}
export class PaymentRequiredError extends GatewayError {
  constructor(message: string, metadata?: ErrorMetadata) {
    super(402, "payment_required", message, { metadata });
  }
}
export class PermissionError extends GatewayError {
  constructor(message: string) {
    super(403, "permission", message);
  }
}
export class NotFoundError extends GatewayError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}
export class PayloadTooLargeError extends GatewayError {
  constructor(message: string) {
    super(413, "payload_too_large", message);
  }
}
export class RateLimitError extends GatewayError {
  constructor(message: string, retryAfter?: number, metadata?: ErrorMetadata) {
    super(429, "rate_limit", message, { metadata, retryAfter });
  }
}
/** The upstream answered with an error, or with something we could not understand. */
export class UpstreamError extends GatewayError {
  constructor(
    message: string,
    metadata?: ErrorMetadata,
    /** The upstream's HTTP status, kept so routing can decide whether to fall back. */
    readonly upstreamStatus?: number,
    retryAfter?: number,
  ) {
    super(upstreamStatusToGateway(upstreamStatus), upstreamKind(upstreamStatus), message, { metadata, retryAfter });
  }
}
export class UpstreamTimeoutError extends GatewayError {
  constructor(message: string, metadata?: ErrorMetadata) {
    super(504, "timeout", message, { metadata });
  }
}
export class ProviderUnavailableError extends GatewayError {
  constructor(message: string, metadata?: ErrorMetadata) {
    super(503, "unavailable", message, { metadata });
  }
}
export class InternalError extends GatewayError {
  constructor(message: string) {
    super(500, "internal", message);
  }
}

/**
 * An upstream saying it is overloaded: Anthropic's 529 (overloaded_error), or a 503 (Google's
 * UNAVAILABLE, OpenAI's "engine is overloaded"); in-band overloaded errors decode to 503.
 */
function isOverloadStatus(status: number | undefined): boolean {
  return status === 503 || status === 529;
}

/**
 * Client errors from the upstream (400, 404, 413, 422) are the caller's fault and keep their
 * status so SDKs do not retry them; rate limits stay 429; an overloaded upstream is a 503 (each
 * surface's codec renders it the way its SDK retries: Anthropic's 529 overloaded_error, 503
 * elsewhere); everything else is a 502.
 */
function upstreamStatusToGateway(status: number | undefined): number {
  if (status === 400 || status === 404 || status === 413 || status === 422 || status === 429) return status;
  return isOverloadStatus(status) ? 503 : 502;
}

function upstreamKind(status: number | undefined): ErrorKind {
  if (status === 429) return "rate_limit";
  return isOverloadStatus(status) ? "overloaded" : "upstream";
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  // Never leak internals (they may contain request data); log the stack separately.
  return new InternalError("Internal gateway error");
}
