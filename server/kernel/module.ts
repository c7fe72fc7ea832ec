// What every domain module is made of, and what it is given. A module's
// factory, `create<Name>Module(deps)`, builds its service from narrow
// dependencies, its routers from that service, and its background jobs;
// server/services.ts wires the modules together and app.ts mounts their routes.
import type { Router } from 'express';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Realtime } from '../realtime/realtime.ts';
import type { Store } from '../store/db.ts';

/** What the kernel hands every module. */
export interface KernelDeps {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  log: Logger;
  realtime: Realtime;
}

/** Something that runs in the background of a serving instance (timers, listeners). */
export interface BackgroundJob {
  name: string;
  start(): Promise<void> | void;
  /** Called at shutdown, before the database closes. */
  stop(): Promise<void> | void;
}

/** A module's HTTP face, by where app.ts mounts it under /api/v1. */
export interface ModuleRoutes {
  /** Token-authenticated routes (no cookie, no CSRF), mounted at `path` before the session is read. */
  token?: { path: string; router: Router };
  /** Routes reachable without a full session (login, enrolment, logout). */
  public?: Router;
  /** Routes behind a full session; each names its permission (secureRouter). */
  secured?: Router;
}

export interface VigieModule<S> {
  service: S;
  routes?: ModuleRoutes;
  /** Started in order when serving, stopped in reverse order at shutdown. */
  jobs: BackgroundJob[];
}
