/**
 * A WAV (RIFF) header for raw 16-bit little-endian PCM: Gemini's TTS answers are 24 kHz mono
 * 16-bit PCM, which `response_format: "wav"` wraps without any encoder.
 */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1, bitsPerSample = 16): Uint8Array {
  const h = new Uint8Array(44);
  const v = new DataView(h.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i);
  };
  const blockAlign = (channels * bitsPerSample) / 8;
  ascii(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true); // PCM fmt chunk size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bitsPerSample, true);
  ascii(36, "data");
  v.setUint32(40, dataBytes, true);
  return h;
}

/**
 * Seconds of audio in a WAV file, from its header (undefined when it is not a PCM WAV we can read).
 * `b` may be only the file's first bytes; `total` is the file's whole size.
 */
export function wavSeconds(b: Uint8Array, total = b.length): number | undefined {
  if (b.length < 44) return undefined;
  const tag = (at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
  if (tag(0) !== "RIFF" || tag(8) !== "WAVE") return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let byteRate = 0;
  for (let at = 12; at + 8 <= b.length; ) {
    const id = tag(at);
    const size = v.getUint32(at + 4, true);
    if (id === "fmt " && at + 16 <= b.length) byteRate = v.getUint32(at + 12, true);
    if (id === "data") return byteRate > 0 ? Math.min(size, total - at - 8) / byteRate : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** The sample rate of a Gemini PCM media type (`audio/L16;codec=pcm;rate=24000`), default 24 kHz. */
export function pcmRate(mimeType: string | undefined): number {
  const m = mimeType ? /rate=(\d+)/.exec(mimeType) : null;
  return m ? Number(m[1]) : 24000;
}
