import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { StreamedBody, uploadedFile } from './upload-stream.js';

const body = (chunks: string[], contentType: string) =>
  new StreamedBody(Readable.from(chunks.map((c) => Buffer.from(c))), { 'content-type': contentType });

describe('streamed uploads', () => {
  it('passes a raw body through', async () => {
    expect(await text(await uploadedFile(body(['phone\n', '+14155550100\n'], 'text/csv')))).toBe(
      'phone\n+14155550100\n',
    );
  });

  it('fails with 413 once the bytes read pass the limit', async () => {
    const file = await uploadedFile(body(['12345', '67890', 'x'], 'text/csv'), 10);
    const error = await text(file).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(413);
  });

  it('reads the file part of a multipart form and refuses a form without one', async () => {
    const boundary = 'b0undary';
    const form = (parts: string) => body([parts], `multipart/form-data; boundary=${boundary}`);
    const withFile = form(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nphone\n+1\r\n--${boundary}--\r\n`,
    );
    expect(await text(await uploadedFile(withFile))).toBe('phone\n+1');
    const noFile = form(
      `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${boundary}--\r\n`,
    );
    await expect(uploadedFile(noFile)).rejects.toMatchObject({ status: 400, code: 'missing_file' });
  });

  it('is fingerprinted for Idempotency-Key by content type and length, never by reading it', () => {
    const streamed = new StreamedBody(Readable.from([]), { 'content-type': 'text/csv', 'content-length': '42' });
    expect(JSON.stringify(streamed)).toBe('{"streamed":"text/csv","content_length":"42"}');
  });

  it('answers 400 when the body is not a stream (sent as JSON)', async () => {
    await expect(uploadedFile({ phone: '+1' })).rejects.toMatchObject({ status: 400, code: 'missing_body' });
  });
});
