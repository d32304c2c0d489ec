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
import {
  clientErrorHandler,
  type ErrorCounts,
  frameworkErrorHandler,
  installErrorHandlers,
} from './http-errors.ts';

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
  /**
   * Which peers may set X-Forwarded-For/-Proto (client IP for login throttling, https for cookies): false,
   * a hop count, or the proxies' addresses/CIDRs. @default false
   */
  trustProxy?: false | number | string[];
  /** The platform's public origin; read by routes as `app.publicUrl`. @default undefined */
  publicUrl?: string | undefined;
  /** Bearer token for /metrics and /healthz details (METRICS_TOKEN); read as `app.monitoringToken`. */
  monitoringToken?: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The platform's public origin (PUBLIC_URL), when configured. */
    readonly publicUrl: string | undefined;
    /** The monitoring bearer token (METRICS_TOKEN), when configured. */
    readonly monitoringToken: string | undefined;
  }
}

/** Longest path parameter (ids are 36 characters); longer ones answer HTTP_PATH_PARAM_TOO_LONG. */
const MAX_PARAM_LENGTH = 100;

/** fastify's form of the setting: a hop count becomes "the n nearest peers" (proxy-addr's own rule). */
function trustedProxies(setting: false | number | string[]) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}

export async function createHttpApp(opts: HttpAppOptions): Promise<App> {
  const counts: ErrorCounts = new Map();
  const limits = { bodyLimit: opts.bodyLimit ?? 65_536, maxParamLength: MAX_PARAM_LENGTH };
  const app = Fastify({
    loggerInstance: opts.logger as FastifyBaseLogger,
    forceCloseConnections: true,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimit,
    routerOptions: { maxParamLength: limits.maxParamLength },
    trustProxy: trustedProxies(opts.trustProxy ?? false),
    // Every refusal carries a registry code, including those fastify and Node's parser raise themselves.
    frameworkErrors: frameworkErrorHandler(counts, limits),
    clientErrorHandler: clientErrorHandler(counts),
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandlers(app, counts, limits);
  app.decorate('publicUrl', opts.publicUrl);
  app.decorate('monitoringToken', opts.monitoringToken);
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
