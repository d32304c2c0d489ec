// Maps every error leaving the HTTP server to the registry's code and status; nothing else reaches
// clients: route errors, validation, fastify's own refusals (bad URL, parameter too long, body too large,
// unsupported media type, bad JSON), Node's HTTP parser errors, unknown routes and requests arriving
// while the node shuts down. Every coded answer is counted by code for /metrics.
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, isVitaliveError, VitaliveError } from '../protocols/index.ts';

/** Coded answers sent by one HTTP server, by code (served as vitalive_http_errors_total). */
export type ErrorCounts = Map<ErrorCode, number>;

const countsByApp = new WeakMap<object, ErrorCounts>();

/** The coded answers counted for the server built by createHttpApp (empty for any other instance). */
export function errorCountsOf(app: FastifyInstance): ErrorCounts {
  let counts = countsByApp.get(app);
  if (!counts) {
    counts = new Map();
    countsByApp.set(app, counts);
  }
  return counts;
}

export interface ErrorMappingOptions {
  /** Largest accepted body, reported to clients refused with HTTP_BODY_TOO_LARGE. */
  bodyLimit: number;
  /** fastify's maxParamLength, reported with HTTP_PATH_PARAM_TOO_LONG. */
  maxParamLength: number;
}

/** Longest piece of a client's own input echoed back in an error's parameters. */
const ECHO_MAX = 64;

/** The registry code for an error fastify raised itself (not thrown by a route). */
function codedFrameworkError(err: FastifyError, request: FastifyRequest, opts: ErrorMappingOptions) {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new VitaliveError('HTTP_URL_INVALID', { reason: 'malformed percent-encoding' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new VitaliveError('HTTP_PATH_PARAM_TOO_LONG', { limit: opts.maxParamLength });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new VitaliveError('HTTP_BODY_TOO_LARGE', { limit: opts.bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new VitaliveError('HTTP_MEDIA_TYPE_UNSUPPORTED', {
        contentType: String(request.headers['content-type'] ?? 'none').slice(0, ECHO_MAX),
      });
    default:
      break;
  }
  if (err.statusCode === 404) return new VitaliveError('NOT_FOUND', { what: `${request.method} route` });
  // Bad JSON, an empty JSON body, a wrong Content-Length, and any other client error fastify adds later:
  // the request as sent cannot be read.
  return new VitaliveError('VALIDATION_FAILED', { reason: err.message });
}

function send(counts: ErrorCounts, reply: FastifyReply, coded: VitaliveError): void {
  counts.set(coded.code, (counts.get(coded.code) ?? 0) + 1);
  // RFC 9110 §10.2.3: tell throttled clients when to come back.
  if (typeof coded.params.retryAfterSec === 'number') {
    void reply.header('retry-after', String(coded.params.retryAfterSec));
  }
  void reply.status(coded.statusCode).send(coded.toJSON());
}

/** fastify's `frameworkErrors` option: refusals raised before routing (bad URL, parameter too long). */
export function frameworkErrorHandler(counts: ErrorCounts, opts: ErrorMappingOptions) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const coded =
      typeof err.statusCode === 'number' && err.statusCode < 500
        ? codedFrameworkError(err, request, opts)
        : new VitaliveError('INTERNAL');
    send(counts, reply, coded);
  };
}

const PARSER_ERRORS: Partial<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'HTTP_HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP_REQUEST_TIMEOUT',
};

/** fastify's `clientErrorHandler` option: requests Node's HTTP parser could not read. */
export function clientErrorHandler(counts: ErrorCounts) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const coded = new VitaliveError(PARSER_ERRORS[err.code ?? ''] ?? 'HTTP_REQUEST_MALFORMED');
    counts.set(coded.code, (counts.get(coded.code) ?? 0) + 1);
    const body = JSON.stringify(coded.toJSON());
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${coded.statusCode} ${coded.code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}

export function installErrorHandlers(
  app: FastifyInstance,
  counts: ErrorCounts,
  opts: ErrorMappingOptions,
): void {
  countsByApp.set(app, counts);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let coded: VitaliveError;
    if (isVitaliveError(err)) {
      coded = err;
    } else if (err.validation) {
      coded = new VitaliveError('VALIDATION_FAILED', { reason: err.message });
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      coded = codedFrameworkError(err, request, opts);
    } else {
      request.log.error({ err }, 'unhandled error');
      coded = new VitaliveError('INTERNAL');
    }
    if (coded.statusCode >= 500) request.log.warn({ code: coded.code }, coded.message);
    send(counts, reply, coded);
  });
  app.setNotFoundHandler((request, reply) => {
    const coded = new VitaliveError('NOT_FOUND', { what: `${request.method} ${request.url.split('?')[0]}` });
    send(counts, reply, coded);
  });
  // Requests that arrive once close() has begun get a coded 503 instead of fastify's own body
  // (createHttpApp turns return503OnClosing off for this).
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void reply.header('connection', 'close');
    done(new VitaliveError('SERVICE_UNAVAILABLE', { what: 'This node (shutting down)' }));
  });
}
