import type { IncomingHttpHeaders } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { FastifyInstance } from 'fastify';
import type { FastifyRouteSchemaDef, FastifyValidationResult } from 'fastify/types/schema.js';
import { z } from 'zod';
import { zodValidatorCompiler } from '../api/validation.js';
import { HttpError } from '../errors.js';

/**
 * Uploads read as streams, never buffered: CSV imports and DNC imports can be far larger than
 * the 10 MB JSON limit, and a 1,000,000-row file must not become 1,000,000 rows in memory.
 * A route scope registers `registerStreamParsers`; its handler gets a `StreamedBody` and calls
 * `uploadedFile` for the bytes of the file, whether sent raw (text/csv) or as a multipart form.
 */

/** Uploads up to this size are read; the route's own limit (and a 413 past it). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export class StreamedBody {
  constructor(
    readonly raw: Readable,
    readonly headers: IncomingHttpHeaders,
  ) {}

  /**
   * What Idempotency-Key compares: the body is not buffered to be hashed, so a retry is recognised
   * by method, URL, content type and length (a different file of the same length under the same
   * key replays the first answer).
   */
  toJSON(): Record<string, unknown> {
    return {
      streamed: this.headers['content-type'] ?? null,
      content_length: this.headers['content-length'] ?? null,
    };
  }
}

/** In this (encapsulated) scope, requests of these media types reach the handler as a StreamedBody. */
export function registerStreamParsers(scope: FastifyInstance, mediaTypes: readonly string[]): void {
  for (const type of mediaTypes) {
    scope.addContentTypeParser(type, (request, payload, done) => {
      done(null, new StreamedBody(payload, request.headers));
    });
  }
}

/** The body as the OpenAPI document shows it (with `consumes`); never validated, it is a stream. */
export const uploadBody = z.string().describe('The file: the raw body, or a multipart/form-data file part');

/**
 * The route-level validator of an upload route: zod for path and query as everywhere, and the
 * body passed through untouched (a StreamedBody, read by the handler).
 */
export function uploadValidatorCompiler<S>(route: FastifyRouteSchemaDef<S>): FastifyValidationResult {
  if (route.httpPart === 'body') return (data: unknown) => ({ value: data });
  return zodValidatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
}

/**
 * The uploaded file's bytes: the body itself, or the first file part of a multipart form,
 * failing with 413 past MAX_UPLOAD_BYTES (Fastify's bodyLimit is not applied to a streamed body).
 */
export async function uploadedFile(body: unknown, maxBytes = MAX_UPLOAD_BYTES): Promise<Readable> {
  const file = await fileOf(body);
  const limited = file.pipe(byteLimit(maxBytes));
  file.on('error', (err) => limited.destroy(err));
  return limited;
}

async function fileOf(body: unknown): Promise<Readable> {
  if (!(body instanceof StreamedBody)) {
    throw new HttpError(400, 'missing_body', 'Send the file as the request body (text/csv) or as multipart/form-data.');
  }
  const type = String(body.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('multipart/form-data')) return body.raw;
  return new Promise<Readable>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: body.headers, limits: { files: 1, fileSize: MAX_UPLOAD_BYTES } });
    } catch (err) {
      reject(new HttpError(400, 'invalid_multipart', `The multipart body cannot be read: ${(err as Error).message}.`));
      return;
    }
    let found = false;
    parser.on('file', (_name, stream) => {
      found = true;
      resolve(stream);
    });
    parser.on('error', (err) => {
      if (!found)
        reject(
          new HttpError(400, 'invalid_multipart', `The multipart body cannot be read: ${(err as Error).message}.`),
        );
    });
    parser.on('close', () => {
      if (!found)
        reject(
          new HttpError(
            400,
            'missing_file',
            'The multipart form has no file part: attach the file (e.g. curl -F file=@contacts.csv).',
          ),
        );
    });
    body.raw.pipe(parser);
  });
}

/** Passes bytes through until `max`, then fails with 413. */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) {
        done(
          new HttpError(
            413,
            'payload_too_large',
            `The file is larger than ${Math.round(max / 1024 / 1024)} MB: split it (rows read before this point were written).`,
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
}
