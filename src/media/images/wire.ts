import type { MediaOperation } from "../../providers/types";
import type { Endpoint } from "../../routing/types";
import type { GeneratedImages, ImagesRequest } from "./types";

/** One endpoint's image calls: the operation, each upstream body, and the most they may cost. */
export interface PreparedImages {
  op: MediaOperation;
  /** JSON bodies, or the multipart form of an edit. Several bodies: one call per image (hosts that make one at a time). */
  bodies: Array<Record<string, unknown> | FormData>;
  /** Micro-USD upper bound, null when it cannot be bounded (or the endpoint is unpriced). */
  bound: number | null;
}

/** How to ask one image API for images and read its answers (a small codec per wire format). */
export interface ImagesWire {
  /** Throws BadRequestError when the request cannot be expressed on this wire. */
  prepare(req: ImagesRequest, endpoint: Endpoint): PreparedImages;
  /** The parsed JSON answer of every body, in order → the images. Throws on a malformed answer. */
  decode(answers: unknown[], req: ImagesRequest, prepared: PreparedImages): GeneratedImages;
}

export const nowSec = () => Math.floor(Date.now() / 1000);

/** `1024x1536` → [1024, 1536]; undefined for `auto` or anything else. */
export function parseSize(size: string | undefined): [number, number] | undefined {
  const m = size ? /^(\d{2,5})x(\d{2,5})$/.exec(size) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The aspect ratio a size stands for, among the ratios Google and FLUX hosts take. */
export function aspectRatioOf(req: Pick<ImagesRequest, "aspectRatio" | "size">): string | undefined {
  if (req.aspectRatio) return req.aspectRatio;
  const wh = parseSize(req.size);
  if (!wh) return undefined;
  const r = wh[0] / wh[1];
  const ratios: [string, number][] = [["1:1", 1], ["3:4", 3 / 4], ["4:3", 4 / 3], ["9:16", 9 / 16], ["16:9", 16 / 9], ["2:3", 2 / 3], ["3:2", 3 / 2], ["21:9", 21 / 9]];
  return ratios.reduce((best, x) => (Math.abs(x[1] - r) < Math.abs(best[1] - r) ? x : best))[0];
}
