// Builds the Express app and the Socket.IO server without listening: tests
// use it as is; main.ts starts it.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Server } from 'socket.io';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { authenticate, csrfGuard, requireFullSession } from './http/auth.ts';
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
  const services = createServices({
    config,
    store,
    log,
    clock: options.clock ?? systemClock,
    realtime: options.realtime ?? createRealtime(),
  });

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
    log.warn('readiness check failed', {
      reason: readiness.code,
      ...(readiness.error ? { error: readiness.error } : {}),
    });
    res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    res.status(503).json({ status: 'unavailable', database: store.dialect, reason: readiness.code });
  });

  const api = express.Router();
  const { routes } = services;
  // Token-authenticated routes (ingest, bearer tokens, no cookie) mount first, before cookies and CSRF.
  for (const r of routes) if (r.token) api.use(r.token.path, r.token.router);
  api.use(authenticate(services.sessions, config));
  api.use(csrfGuard(config));
  api.use(express.json({ limit: '1mb' }));
  for (const r of routes) if (r.public) api.use(r.public);
  // Deny by default: all that follows needs a full session, and each route names its permission (secureRouter).
  api.use(requireFullSession());
  for (const r of routes) if (r.secured) api.use(r.secured);
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
