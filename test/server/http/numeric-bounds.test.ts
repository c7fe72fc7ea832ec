// Issue 11, item 14: numbers in paths and query strings are bounded by their
// schema. Past JavaScript's safe integers (and PostgreSQL's bigint) they are
// refused with a 400 naming the field, never passed on to fail as a 500.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';

const HUGE = '99999999999999999999'; // 1e20: past bigint
const UNSAFE = '9007199254740993'; // 2^53 + 1: a bigint, but not a JavaScript number

describeEachDialect('numeric bounds in requests', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect });
  });
  afterEach(() => t.close());

  it('refuses oversized ids, cursors and times with 400 invalid_input, and still answers a valid one', async () => {
    const analyst = await t.as('analyst', 'admin');
    const reporter = await t.as('reporter');
    const refused = [
      [analyst.http, `/api/v1/alerts/${HUGE}`, 'id'],
      [analyst.http, `/api/v1/alerts/${UNSAFE}`, 'id'],
      [analyst.http, `/api/v1/alerts?cursor=${HUGE}`, 'cursor'],
      [analyst.http, `/api/v1/alerts?from=${HUGE}`, 'from'],
      [analyst.http, `/api/v1/alerts?to=${HUGE}`, 'to'],
      [analyst.http, `/api/v1/alerts?limit=${HUGE}`, 'limit'],
      [reporter.http, `/api/v1/reports/mine?cursor=${HUGE}`, 'cursor'],
      [analyst.http, `/api/v1/access-events/${HUGE}`, 'id'],
      [analyst.http, `/api/v1/access-events?patientOf=${HUGE}`, 'patientOf'],
      [analyst.http, `/api/v1/audit/entries/${UNSAFE}`, 'seq'],
      [analyst.http, `/api/v1/audit?cursor=${UNSAFE}-1`, 'cursor'],
    ] as const;
    for (const [http, url, field] of refused) {
      const res = await http.get(url);
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.code, url).toBe('invalid_input');
      expect(res.body.error.details.issues[0].path, url).toBe(field);
    }
    // The largest safe values are still answered: nothing there, but no error.
    const max = String(Number.MAX_SAFE_INTEGER);
    await analyst.http.get(`/api/v1/alerts/${max}`).expect(404);
    await analyst.http.get(`/api/v1/alerts?cursor=${max}&from=0&to=${max}`).expect(200);
    await reporter.http.get(`/api/v1/reports/mine?cursor=${max}`).expect(200);
  });
});
