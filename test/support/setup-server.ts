import { PG_SKIP_REASON, PG_URL } from './db.ts';

// Said once per test file run, so that a run without PostgreSQL is never mistaken for a full one.
if (!PG_URL && !(globalThis as { __vigiePgNotice?: boolean }).__vigiePgNotice) {
  (globalThis as { __vigiePgNotice?: boolean }).__vigiePgNotice = true;
  process.stderr.write(`[vigie tests] PostgreSQL suites ${PG_SKIP_REASON}\n`);
}
