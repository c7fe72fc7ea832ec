// The database as Kysely sees it: each module declares its own tables.
import type { AlertsTables } from '../alerts/alerts.tables.ts';
import type { AuditTables } from '../audit/audit.tables.ts';
import type { AuthTables } from '../auth/auth.tables.ts';
import type { DetectionTables } from '../detection/detection.tables.ts';
import type { DirectoryTables } from '../directory/directory.tables.ts';
import type { IngestTables } from '../ingest/ingest.tables.ts';

export interface Database
  extends AuditTables, AuthTables, IngestTables, AlertsTables, DirectoryTables, DetectionTables {}
