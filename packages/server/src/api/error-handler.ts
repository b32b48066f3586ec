import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';

/** Fastify's own error codes that are the client's fault, with what we answer. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    detail: 'The request body is larger than the server accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    detail: 'Unsupported Content-Type: send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    detail: 'The Content-Length header does not match the body.',
  },
  FST_ERR_CTP_INVALID_TYPE: {
    status: 400,
    code: 'invalid_content_type',
    detail: 'The Content-Type header is malformed.',
  },
  FST_ERR_CTP_EMPTY_TYPE: { status: 400, code: 'invalid_content_type', detail: 'The Content-Type header is empty.' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', detail: 'The request URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request', detail: 'The request could not be routed.' },
};

/**
 * One error handler: every error body is `{detail, code, errors?, …}`. Bad input is always a
 * 4xx; only our own faults are 500, logged with the request id.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | HttpError | Error, request, reply) => {
    if (error instanceof HttpError) {
      if (error.headers) reply.headers(error.headers);
      return reply.code(error.status).send(error.toBody());
    }
    const code = (error as FastifyError).code;
    const known = code ? FASTIFY_CLIENT_ERRORS[code] : undefined;
    if (known) {
      return reply.code(known.status).send({ detail: known.detail, code: known.code });
    }
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.code(status).send({ detail: error.message, code: 'bad_request' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({
      detail: `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
      code: 'internal_error',
    });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      detail: `No route ${request.method} ${request.url.split('?')[0]}. See /v1/openapi.json for the API.`,
      code: 'route_not_found',
    });
  });
}
