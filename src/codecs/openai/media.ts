/**
 * Data URLs <-> canonical media sources. OpenAI carries inline media as `data:<type>;base64,<b64>`
 * (image_url.url, file.file_data); the canonical model keeps mediaType and data apart.
 */
import type { MediaSource } from "../../canonical/types";

export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const header = url.slice(5, comma);
  const params = header.split(";");
  // Only base64 payloads are useful to upstream APIs; percent-encoded data URLs are rejected.
  if (params[params.length - 1]?.toLowerCase() !== "base64") return undefined;
  const mediaType = params[0] || "application/octet-stream";
  return { mediaType, data: url.slice(comma + 1) };
}

export const toDataUrl = (mediaType: string, data: string) => `data:${mediaType};base64,${data}`;

export const isHttpUrl = (url: string) => url.startsWith("https://") || url.startsWith("http://");

/** The URL a canonical source is sent as (image_url.url / file.file_data). */
export function sourceToUrl(source: MediaSource): string {
  return source.kind === "url" ? source.url : toDataUrl(source.mediaType, source.data);
}

const EXTENSION_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  xml: "application/xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  wav: "audio/wav",
  mp3: "audio/mpeg",
};

export function mediaTypeFromFilename(filename: string | undefined): string | undefined {
  if (!filename) return undefined;
  const dot = filename.lastIndexOf(".");
  return dot === -1 ? undefined : EXTENSION_TYPES[filename.slice(dot + 1).toLowerCase()];
}

export function extensionForMediaType(mediaType: string): string {
  for (const [ext, type] of Object.entries(EXTENSION_TYPES)) if (type === mediaType) return ext;
  return "bin";
}

/** input_audio formats OpenAI accepts, keyed by media type. */
export const AUDIO_FORMATS: Record<string, string> = {
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
};

export const audioMediaType = (format: string) => (format === "mp3" ? "audio/mpeg" : `audio/${format}`);
