// Maps every error leaving an HTTP route to the registry's code and status; nothing else reaches clients.
import type { FastifyError, FastifyInstance } from 'fastify';
import { isVitaliveError, VitaliveError } from '../protocols/index.ts';

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let coded: VitaliveError;
    if (isVitaliveError(err)) {
      coded = err;
    } else if (err.validation) {
      coded = new VitaliveError('VALIDATION_FAILED', { reason: err.message });
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // fastify's own client errors (bad JSON, body too large, unsupported media type)
      coded = new VitaliveError('VALIDATION_FAILED', { reason: err.message });
      void reply.status(err.statusCode).send(coded.toJSON());
      return;
    } else {
      request.log.error({ err }, 'unhandled error');
      coded = new VitaliveError('INTERNAL');
    }
    if (coded.statusCode >= 500) request.log.warn({ code: coded.code }, coded.message);
    // RFC 9110 §10.2.3: tell throttled clients when to come back.
    if (typeof coded.params.retryAfterSec === 'number') {
      void reply.header('retry-after', String(coded.params.retryAfterSec));
    }
    void reply.status(coded.statusCode).send(coded.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const coded = new VitaliveError('NOT_FOUND', { what: `${request.method} ${request.url.split('?')[0]}` });
    void reply.status(404).send(coded.toJSON());
  });
}
