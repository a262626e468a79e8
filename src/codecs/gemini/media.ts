/** MIME helpers for media sent by URL (Gemini fileData needs a mimeType; other formats do not send one). */

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  bmp: "image/bmp",
};

const FILE_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  html: "text/html",
  csv: "text/csv",
  json: "application/json",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
};

function extension(url: string): string | undefined {
  let path = url;
  const cut = Math.min(...[path.indexOf("?"), path.indexOf("#")].filter((i) => i !== -1), path.length);
  path = path.slice(0, cut);
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return dot > slash ? path.slice(dot + 1).toLowerCase() : undefined;
}

/** From the URL's extension; JPEG when unknown (the most common type of extension-less image URLs). */
export function guessImageMimeType(url: string): string {
  const ext = extension(url);
  return (ext && IMAGE_TYPES[ext]) || "image/jpeg";
}

export function guessFileMimeType(url: string): string | undefined {
  const ext = extension(url);
  return ext ? (FILE_TYPES[ext] ?? IMAGE_TYPES[ext]) : undefined;
}

/** `data:<mime>;base64,<data>` URLs (what OpenAI callers send for inline images). */
export function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(";base64")) return undefined;
  return { mimeType: meta.slice(0, -";base64".length) || "application/octet-stream", data: url.slice(comma + 1) };
}
