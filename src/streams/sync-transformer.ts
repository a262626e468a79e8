/**
 * A stream stage as plain synchronous functions. Codecs write their stream decoders and encoders
 * in this form so the gateway can fuse decode → meter → encode into ONE pass per upstream chunk:
 * every TransformStream hop in workerd costs promise turns and allocations per chunk, which
 * dominated streaming CPU when each stage was its own TransformStream.
 */
export interface SyncTransformer<I, O> {
  transform(chunk: I, emit: (out: O) => void): void;
  /** End of input: emit any trailer. */
  flush(emit: (out: O) => void): void;
}

/** A SyncTransformer as a TransformStream, for callers that want the streams API. */
export function toTransformStream<I, O>(t: SyncTransformer<I, O>): TransformStream<I, O> {
  return new TransformStream<I, O>({
    transform(chunk, controller) {
      t.transform(chunk, (o) => controller.enqueue(o));
    },
    flush(controller) {
      t.flush((o) => controller.enqueue(o));
    },
  });
}

/** a then b, as one synchronous stage. */
export function chain<A, B, C>(a: SyncTransformer<A, B>, b: SyncTransformer<B, C>): SyncTransformer<A, C> {
  return {
    transform(chunk, emit) {
      a.transform(chunk, (mid) => b.transform(mid, emit));
    },
    flush(emit) {
      a.flush((mid) => b.transform(mid, emit));
      b.flush(emit);
    },
  };
}
