/**
 * Page compression with snappy. Compression uses snappyjs; decompression uses the bounds-checked
 * decoder below, because snappyjs trusts its input (TESTING.md: `0a fc fa ff ff ff` loops forever,
 * `ff ff ff ff 07` allocates 2 GiB, a truncated stream decodes zero-padded without an error).
 * Our decoder reads the declared length first and refuses it unless it equals the length the page
 * header promises, writes only into the caller's buffer, checks every literal and copy against
 * both the input and the output bounds, and fails unless the output is filled exactly. Each step
 * consumes at least one input byte, so it always terminates.
 */
import { compress } from 'snappyjs';

/** Payloads shorter than this are stored uncompressed: snappy cannot win much on them. */
export const MIN_COMPRESS_BYTES = 64;

/**
 * Compresses `payload`; returns the snappy stream when it is shorter than `limit` bytes (and than
 * the payload), else undefined. The returned array is new and owned by the caller.
 */
export function compressPayload(payload: Uint8Array, limit: number): Uint8Array | undefined {
  if (payload.length < MIN_COMPRESS_BYTES) return undefined;
  // snappyjs returns the input's type; a plain Uint8Array view keeps it off the Buffer path.
  const out = compress(new Uint8Array(payload.buffer, payload.byteOffset, payload.length));
  return out.length < payload.length && out.length < limit ? out : undefined;
}

/**
 * Decodes the snappy stream `src` into `dst`, which must be exactly the declared uncompressed
 * length. Returns undefined on success, or a description of what was wrong with the stream.
 * Never reads outside `src`, never writes outside `dst`, never allocates.
 */
export function decodeSnappyInto(src: Uint8Array, dst: Uint8Array): string | undefined {
  // Preamble: the uncompressed length as a varint of at most 5 bytes.
  let at = 0;
  let declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= src.length || shift > 28) return 'bad length preamble';
    const b = src[at++];
    declared += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  if (declared !== dst.length) return `stream declares ${declared} bytes, the header ${dst.length}`;
  let out = 0;
  while (at < src.length) {
    const tag = src[at++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (at + extra > src.length) return 'literal length runs past the input';
        len = 0;
        for (let i = 0; i < extra; i++) len += src[at + i] * 2 ** (8 * i);
        at += extra;
      }
      len += 1;
      if (at + len > src.length) return 'literal runs past the input';
      if (out + len > dst.length) return 'literal runs past the output';
      // Short literals are copied by hand: a subarray per literal costs more than the copy
      // (bench/pages.bench.ts "pin miss snappy").
      if (len < 32) for (let i = 0; i < len; i++) dst[out + i] = src[at + i];
      else dst.set(src.subarray(at, at + len), out);
      at += len;
      out += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (at + 1 > src.length) return 'copy runs past the input';
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[at];
      at += 1;
    } else if (kind === 2) {
      if (at + 2 > src.length) return 'copy runs past the input';
      len = (tag >>> 2) + 1;
      offset = src[at] | (src[at + 1] << 8);
      at += 2;
    } else {
      if (at + 4 > src.length) return 'copy runs past the input';
      len = (tag >>> 2) + 1;
      offset = (src[at] | (src[at + 1] << 8) | (src[at + 2] << 16)) + src[at + 3] * 0x1000000;
      at += 4;
    }
    if (offset === 0 || offset > out) return `copy offset ${offset} outside the ${out} bytes decoded`;
    if (out + len > dst.length) return 'copy runs past the output';
    if (offset >= len && len >= 32) {
      dst.copyWithin(out, out - offset, out - offset + len);
      out += len;
    } else {
      for (let i = 0; i < len; i++, out++) dst[out] = dst[out - offset];
    }
  }
  if (out !== dst.length) return `stream ends after ${out} of ${dst.length} bytes`;
  return undefined;
}
