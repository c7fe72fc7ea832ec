// Ingest: the sources and their tokens, the four ways in (HTTP events, FHIR,
// tool alerts, syslog), the write pipeline, the access-log explorer, and
// retention. It owns the access log and the system events.
import express from 'express';
import type { AlertsService } from '../alerts/alerts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { BackgroundJob, KernelDeps, VigieModule } from '../kernel/module.ts';
import { createAccessEventsRepo } from './access-events.repo.ts';
import { explorerRoutes } from './explorer/explorer.routes.ts';
import { createExplorerService } from './explorer/explorer.service.ts';
import { createPatientSearchGate } from './explorer/patient-search.ts';
import { batchRunnerOn, type BatchJob } from './pipeline/batch.ts';
import { createEventLogSignal } from './pipeline/event-log.ts';
import { ingestRoutes } from './pipeline/ingest.routes.ts';
import { createIngestService } from './pipeline/ingest.service.ts';
import { futureLimit } from './pipeline/iso-time.ts';
import { createThreadExecutor } from './pipeline/writer-thread.ts';
import { createIngestWriter, inlineExecutor } from './pipeline/writer.ts';
import { createRetention } from './retention/retention.job.ts';
import { createSourcesRepo } from './sources/sources.repo.ts';
import { sourcesRoutes } from './sources/sources.routes.ts';
import { createSourcesService } from './sources/sources.service.ts';
import { createSyslogListener } from './syslog/syslog-listener.job.ts';
import { createSystemEventsRepo } from './system-events.repo.ts';

export interface IngestModuleDeps extends KernelDeps {
  audit: AuditService;
  /** Tool alerts are raised in the batch transaction; this publishes them once it commits. */
  alerts: Pick<AlertsService, 'publish'>;
}

export function createIngestModule(deps: IngestModuleDeps) {
  const { config, store, clock, log, audit, alerts } = deps;
  const db = store.db;
  const accessEvents = createAccessEventsRepo();
  const eventLog = createEventLogSignal();
  const sourcesRepo = createSourcesRepo();
  const systemEvents = createSystemEventsRepo();
  const sources = createSourcesService({ db, repo: sourcesRepo, audit, clock });
  const patientSearch = createPatientSearchGate({ db, audit, clock, policy: config.patientSearch });
  const explorer = createExplorerService({ db, repo: accessEvents, sources: sourcesRepo, audit, patientSearch });
  const execution = ingestExecutor(deps);
  const ingestWriter = createIngestWriter(execution);
  const ingest = createIngestService({ writer: ingestWriter, alerts, eventLog, log });
  const retention = createRetention({
    db,
    accessEvents,
    systemEvents,
    sources: sourcesRepo,
    audit,
    clock,
    log,
    retentionDays: config.retentionDays,
  });
  const futureLimitNow = () => futureLimit(clock.now(), config.ingest.futureToleranceMinutes);
  const syslog = config.syslog
    ? createSyslogListener({
        sources,
        ingest,
        log,
        options: { ...config.syslog, stopTimeoutMs: config.shutdownTimeoutMs },
        futureLimit: futureLimitNow,
      })
    : undefined;

  // Jobs stop in reverse order: syslog first, so that its last lines still commit through the writer.
  const jobs: BackgroundJob[] = [
    { name: 'ingest-writer', start: () => execution.thread?.warm(), stop: () => ingestWriter.stop() },
    retention.job(),
    ...(syslog ? [syslog] : []),
  ];
  const secured = express.Router();
  secured.use(explorerRoutes({ explorer }), sourcesRoutes({ sources }));
  return {
    service: {
      accessEvents,
      eventLog,
      sources,
      explorer,
      ingestWriter,
      /** The SQLite writer thread, when batches commit there. */
      ingestThread: execution.thread,
      systemEvents,
      ingest,
      syslog,
      retention,
    },
    routes: {
      token: { path: '/ingest', router: ingestRoutes({ ingest, sources, clock, config, log, health: store.health }) },
      secured,
    },
    jobs,
  } satisfies VigieModule<unknown>;
}

export type IngestModule = ReturnType<typeof createIngestModule>;

/**
 * Where ingest batches commit: on a SQLite database file, in the writer
 * thread (its own connection; the event loop stays free); in memory and on
 * PostgreSQL (asynchronous already), on this thread's connection. The batch's
 * time is read from the clock when its turn comes, in both.
 */
function ingestExecutor(deps: IngestModuleDeps) {
  const { config, store, clock, log, audit } = deps;
  const capacity = config.ingest.queueBatches;
  if (config.ingest.writerThread && store.dialect === 'sqlite' && store.file && store.waitingWriters) {
    const thread = createThreadExecutor({ file: store.file, waitingWriters: store.waitingWriters, log });
    return {
      prepare: thread.prepare,
      execute: (job: BatchJob) => thread.execute(job, clock.now()),
      capacity,
      close: () => thread.close(),
      thread,
    };
  }
  const runner = batchRunnerOn(store, clock);
  return {
    execute: inlineExecutor(store.db, audit, (trx, job: BatchJob) => runner.run(trx, job, clock.now())),
    prepare: undefined,
    capacity,
    close: undefined,
    thread: undefined,
  };
}
