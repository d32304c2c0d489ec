// Builds the fastify instance every route plugin registers on: TypeBox validation, OpenAPI at /docs,
// cookies, coded errors. Route plugins live in gateway/routes/, one file per area.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { installErrorHandlers } from './http-errors.ts';

/** The app type route plugins receive. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpAppOptions {
  logger: Logger;
  /** Largest accepted request body. @default 65536 (64 KiB): orders and forms are small */
  bodyLimit?: number;
  /** Behind a load balancer, trust X-Forwarded-For for the client IP (login throttling). @default false */
  trustProxy?: boolean;
}

export async function createHttpApp(opts: HttpAppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    forceCloseConnections: true,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 65_536,
    trustProxy: opts.trustProxy ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandlers(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Vitalive API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  return app;
}
