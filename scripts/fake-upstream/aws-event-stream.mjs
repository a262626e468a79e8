// AWS's binary event-stream framing (application/vnd.amazon.eventstream), written out by hand so
// the fake shares no code with the gateway's decoder (which uses @smithy/eventstream-codec):
//   [total length u32][headers length u32][prelude CRC32 u32][headers][payload][message CRC32 u32]
// Each header: [name length u8][name][type u8 = 7, string][value length u16][value].

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(buf, start = 0, end = buf.length) {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One frame with string headers and a UTF-8 (or raw) payload. */
export function encodeFrame(headers, payload) {
  const headerBufs = Object.entries(headers).map(([name, value]) => {
    const n = Buffer.from(name, "utf8");
    const v = Buffer.from(String(value), "utf8");
    const b = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    b.writeUInt8(n.length, 0);
    n.copy(b, 1);
    b.writeUInt8(7, 1 + n.length);
    b.writeUInt16BE(v.length, 2 + n.length);
    v.copy(b, 4 + n.length);
    return b;
  });
  const h = Buffer.concat(headerBufs);
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, "utf8");
  const total = 12 + h.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(h.length, 4);
  out.writeUInt32BE(crc32(out, 0, 8), 8);
  h.copy(out, 12);
  body.copy(out, 12 + h.length);
  out.writeUInt32BE(crc32(out, 0, total - 4), total - 4);
  return out;
}

/** A Bedrock event (`:event-type`), with the random `p` padding field AWS adds to every payload. */
export function eventFrame(type, payload) {
  const p = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".slice(0, 4 + Math.floor(Math.random() * 20));
  return encodeFrame({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify({ ...payload, p }));
}

/** An in-stream exception (`:message-type: exception`). */
export function exceptionFrame(type, message) {
  return encodeFrame({ ":exception-type": type, ":content-type": "application/json", ":message-type": "exception" }, JSON.stringify({ message }));
}
