/**
 * OpenAI's `encoding_format: "base64"`: the vector as little-endian IEEE-754 float32 bytes,
 * base64-encoded (what api.openai.com returns and what openai-node / openai-python decode).
 */

const CHUNK = 0x8000;

export function floatsToBase64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(binary);
}

/** Throws (TypeError / RangeError) when the text is not base64 of whole float32 values. */
export function base64ToFloats(b64: string): number[] {
  const binary = atob(b64);
  if (binary.length % 4 !== 0) throw new RangeError(`base64 embedding is ${binary.length} bytes, not a whole number of float32 values`);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const view = new DataView(bytes.buffer);
  const out = new Array<number>(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
