// The directory: staff, patients, stays and assignments imported from the
// establishment's files, which the rules read to tell care from curiosity.
import type { AuditService } from '../audit/audit.service.ts';
import type { KernelDeps, VigieModule } from '../kernel/module.ts';
import { createDirectoryRepo } from './directory.repo.ts';
import { directoryRoutes } from './directory.routes.ts';
import { createDirectoryService } from './directory.service.ts';

export function createDirectoryModule(deps: KernelDeps & { audit: AuditService }) {
  const { config, store, clock, audit } = deps;
  const directory = createDirectoryService({ db: store.db, repo: createDirectoryRepo(), audit, clock });
  return {
    service: { directory },
    routes: { secured: directoryRoutes({ directory, importMaxBytes: config.directoryImportMaxBytes }) },
    jobs: [],
  } satisfies VigieModule<unknown>;
}

export type DirectoryModule = ReturnType<typeof createDirectoryModule>;
