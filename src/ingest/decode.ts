/**
 * A raw Firehose object's bytes -> its lines. Firehose writes gzip or plain newline-delimited
 * JSON depending on the delivery stream's settings, and the object's name need not say which:
 * gzip is recognised by its magic bytes.
 */
import { gunzipSync } from 'node:zlib';
import { InvalidDataError } from '../errors';

/**
 * Firehose buffers at most 128 MiB of records per object, before compression. Anything that
 * expands past this is not an object Firehose wrote (a gzip bomb, say) and is quarantined
 * unread; the bound also caps the worker's memory per object.
 */
export const MAX_DECODED_BYTES = 160 * 1024 * 1024;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The object's content: gunzipped when gzip, bounded in size; a broken gzip is InvalidDataError. */
export function decodeRawObject(bytes: Buffer, maxBytes = MAX_DECODED_BYTES): Buffer {
  if (!isGzip(bytes)) {
    if (bytes.length > maxBytes)
      throw new InvalidDataError(`raw object: ${bytes.length} bytes, over the limit of ${maxBytes}`, {
        defect: 'too_large',
      });
    return bytes;
  }
  try {
    // gunzipSync reads every gzip member: Firehose may concatenate them.
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new InvalidDataError(`raw object: gzip expands past ${maxBytes} bytes`, { defect: 'too_large' });
    throw new InvalidDataError(`raw object: not a valid gzip stream (${code ?? (err as Error).message})`);
  }
}

/** Non-empty lines (LF or CRLF) as UTF-8 text, without copying the whole content into one string. */
export function* lines(content: Buffer): Generator<string> {
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end === -1) end = content.length;
    let stop = end;
    if (stop > start && content[stop - 1] === 0x0d) stop--;
    if (stop > start) {
      const line = content.toString('utf8', start, stop);
      if (line.trim() !== '') yield line;
    }
    start = end + 1;
  }
}
