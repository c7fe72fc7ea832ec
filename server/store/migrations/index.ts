import type { Migration } from 'kysely';
import * as m0001 from './0001-audit.ts';
import * as m0002 from './0002-auth.ts';
import * as m0003 from './0003-access-events.ts';
import * as m0004 from './0004-alerts.ts';
import * as m0005 from './0005-auth-login.ts';
import * as m0006 from './0006-ingest.ts';
import * as m0007 from './0007-directory.ts';
import * as m0008 from './0008-detection.ts';
import * as m0009 from './0009-audit-append-only.ts';
import * as m0010 from './0010-alert-reporter.ts';
import * as m0011 from './0011-deferred-timelines.ts';
import * as m0012 from './0012-source-skipped.ts';
import * as m0013 from './0013-syslog-drops.ts';
import * as m0014 from './0014-alert-explanation-keys.ts';

/** Append-only: never edit a migration that has landed; add the next one. */
export const migrations: Record<string, Migration> = {
  '0001-audit': m0001,
  '0002-auth': m0002,
  '0003-access-events': m0003,
  '0004-alerts': m0004,
  '0005-auth-login': m0005,
  '0006-ingest': m0006,
  '0007-directory': m0007,
  '0008-detection': m0008,
  '0009-audit-append-only': m0009,
  '0010-alert-reporter': m0010,
  '0011-deferred-timelines': m0011,
  '0012-source-skipped': m0012,
  '0013-syslog-drops': m0013,
  '0014-alert-explanation-keys': m0014,
};
