// Builds the Express app and the Socket.IO server without listening: tests
// use it as is; main.ts starts it.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Server } from 'socket.io';
import { auditRoutes } from './audit/audit.routes.ts';
import { alertRoutes } from './alerts/alerts.routes.ts';
import { reportRoutes } from './alerts/reports.routes.ts';
import { authPublicRoutes, authRoutes } from './auth/auth.routes.ts';
import { usersRoutes } from './auth/users.routes.ts';
import { ruleRoutes } from './detection/detection.routes.ts';
import { directoryRoutes } from './directory/directory.routes.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { authenticate, csrfGuard, requireFullSession } from './http/auth.ts';
import { explorerRoutes } from './ingest/explorer.routes.ts';
import { ingestRoutes } from './ingest/ingest.routes.ts';
import { sourcesRoutes } from './ingest/sources.routes.ts';
import { apiNotFound, errorHandler } from './http/errors.ts';
import { requestId, requestLog } from './http/request-context.ts';
import { noStore, securityHeaders } from './http/security.ts';
import { spa } from './http/spa.ts';
import type { Logger } from './log.ts';
import { attachGateway, type VigieServer } from './realtime/gateway.ts';
import { createRealtime, type Realtime } from './realtime/realtime.ts';
import { createServices, type Services } from './services.ts';
import type { Store } from './store/db.ts';
import { DATABASE_RETRY_AFTER_SECONDS } from './store/store-errors.ts';

export const CLIENT_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/client');

export interface AppOptions {
  config: Readonly<Config>;
  store: Store;
  log: Logger;
  clock?: Clock;
  realtime?: Realtime;
  clientDir?: string;
}

export interface VigieApp {
  app: express.Express;
  server: http.Server;
  io: VigieServer;
  services: Services;
  /** Closes sockets and the gateway (not the store, which the caller owns). */
  close(): Promise<void>;
}

export function createApp(options: AppOptions): VigieApp {
  const { config, store, log } = options;
  const services = createServices({ config, store, log, clock: options.clock ?? systemClock, realtime: options.realtime ?? createRealtime() });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  app.use(requestId());
  app.use(requestLog(log));
  app.use(securityHeaders(config));
  app.use('/api', noStore());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await store.readiness();
    if (readiness.ready) {
      res.json({ status: 'ready', database: store.dialect });
      return;
    }
    log.warn('readiness check failed', { reason: readiness.code, ...(readiness.error ? { error: readiness.error } : {}) });
    res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    res.status(503).json({ status: 'unavailable', database: store.dialect, reason: readiness.code });
  });

  const api = express.Router();
  // Token-authenticated routes (ingest, bearer tokens, no cookie) mount here, before cookies and CSRF.
  api.use('/ingest', ingestRoutes(services, config));
  api.use(authenticate(services.sessions, config));
  api.use(csrfGuard(config));
  api.use(express.json({ limit: '1mb' }));
  api.use(authPublicRoutes(services, config));
  // Deny by default: all that follows needs a full session, and each route names its permission.
  api.use(requireFullSession());
  api.use(authRoutes(services));
  api.use(usersRoutes(services));
  // Module routers (each route names its permission through secureRouter):
  api.use(auditRoutes({ auditLog: services.auditLog, auditVerifier: services.auditVerifier, clock: services.clock, log }));
  api.use(alertRoutes(services));
  api.use(reportRoutes(services));
  api.use(directoryRoutes(services));
  api.use(ruleRoutes(services));
  api.use(explorerRoutes(services));
  api.use(sourcesRoutes(services));
  api.use(apiNotFound());
  app.use('/api/v1', api);
  app.use('/api', apiNotFound());
  app.use(spa(options.clientDir ?? CLIENT_DIST));
  app.use(errorHandler(log, store.health));

  const server = http.createServer(app);
  const io: VigieServer = new Server(server, {
    serveClient: false,
    cors: { origin: config.publicOrigin, credentials: true },
    allowRequest: (req, callback) => callback(null, req.headers.origin === config.publicOrigin),
  });
  const gateway = attachGateway({ io, realtime: services.realtime, sessions: services.sessions, config, log });

  return {
    app,
    server,
    io,
    services,
    async close() {
      gateway.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
