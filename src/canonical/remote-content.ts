import type { CanonicalRequest, FilePart, ImagePart, TextPart } from "./types";

/**
 * Whether the request names a file by URL that the upstream would fetch itself (a PDF, a video):
 * its size, and so its token count, is unknown until the upstream has read it. Images are not
 * counted here: every provider scales them to a bounded token cost. `data:` URLs are inline.
 */
export function hasRemoteFiles(req: CanonicalRequest): boolean {
  for (const m of req.messages) {
    for (const p of m.content) {
      if (p.type === "tool-result") {
        if (p.content.some(isRemoteFile)) return true;
      } else if (isRemoteFile(p)) return true;
    }
  }
  return false;
}

function isRemoteFile(p: { type: string } | TextPart | ImagePart | FilePart): boolean {
  return p.type === "file" && "source" in p && p.source.kind === "url" && !p.source.url.startsWith("data:");
}
