import type { RoutingOptions, Usage } from "../../canonical/types";
import type { MediaUsage } from "../../catalog/media-pricing";

/** An uploaded image (image edits), read when the request was decoded. */
export interface InputImage {
  base64: string;
  mediaType: string;
}

/** One image request (OpenAI Images API fields), as every image wire reads it. */
export interface ImagesRequest {
  model: string;
  routing?: RoutingOptions;
  prompt: string;
  n: number;
  /** `1024x1024`, `auto`…; absent = the provider's default. */
  size?: string;
  quality?: string;
  background?: string;
  outputFormat?: string;
  outputCompression?: number;
  responseFormat?: "b64_json" | "url";
  style?: string;
  moderation?: string;
  user?: string;
  /** FLUX hosts: diffusion steps, seed, aspect ratio, negative prompt. */
  steps?: number;
  seed?: number;
  aspectRatio?: string;
  negativePrompt?: string;
  /** Edits: the images to edit, the mask, and the caller's form (sent on to OpenAI-format upstreams). */
  edit?: { images: InputImage[]; mask?: InputImage; form: FormData };
}

export interface GeneratedImage {
  b64?: string;
  url?: string;
  revisedPrompt?: string;
  /** image/png, image/jpeg… (when the upstream says). */
  mediaType?: string;
}

/** What an image call produced, in the gateway's terms. */
export interface GeneratedImages {
  created: number;
  images: GeneratedImage[];
  /** Token usage where the provider bills tokens (gpt-image, Gemini); zero otherwise. */
  usage: Usage;
  /** What the call consumed for pricing (image tokens, images, megapixels, steps). */
  media: MediaUsage;
  /** Echoed settings (OpenAI's response carries them). */
  size?: string;
  quality?: string;
  background?: string;
  outputFormat?: string;
  /** Text a Gemini image model wrote beside its image. */
  text?: string;
}
