// A small synchronous multipart/form-data parser for the fake upstream's upload endpoints (plans
// are built synchronously): text fields as strings, files as {filename, type, bytes}.
export function parseMultipart(raw, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!m) return null;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const fields = {};
  const files = {};
  let at = raw.indexOf(boundary);
  if (at < 0) return null;
  for (;;) {
    at += boundary.length;
    if (raw[at] === 0x2d && raw[at + 1] === 0x2d) break; // closing --boundary--
    at += 2; // CRLF
    const headEnd = raw.indexOf("\r\n\r\n", at);
    if (headEnd < 0) return null;
    const head = raw.subarray(at, headEnd).toString("utf8");
    const next = raw.indexOf(boundary, headEnd + 4);
    if (next < 0) return null;
    const body = raw.subarray(headEnd + 4, next - 2); // minus the CRLF before the boundary
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
    if (name !== undefined) {
      if (filename !== undefined) (files[name] ??= []).push({ filename, type, bytes: body });
      else fields[name] = body.toString("utf8");
    }
    at = next;
  }
  return { fields, files };
}

/** Seconds of audio in a WAV file (from its header), else an estimate from the byte count. */
export function audioSeconds(bytes) {
  if (bytes.length >= 44 && bytes.toString("ascii", 0, 4) === "RIFF" && bytes.toString("ascii", 8, 12) === "WAVE") {
    const byteRate = bytes.readUInt32LE(28);
    let off = 12;
    while (off + 8 <= bytes.length) {
      const id = bytes.toString("ascii", off, off + 4);
      const size = bytes.readUInt32LE(off + 4);
      if (id === "data" && byteRate > 0) return Math.min(size, bytes.length - off - 8) / byteRate;
      off += 8 + size + (size % 2);
    }
  }
  return bytes.length / 16000;
}
