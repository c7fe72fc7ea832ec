import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/config.ts';
import { rng, syntheticEvent } from './ingest/data.ts';
const INSERT = 'insert into access_events (occurredAt, occurredAtText, receivedAt, sourceId, userId, action, outcome, patientId, application, workstation, address, department, context) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const dir = tempDir('vigie-t-');
const common = ['occurredAt, id, action, department, application', 'action, occurredAt, id, department, application', 'department, occurredAt, id, action, application'];
const PREFILL = Number(process.argv[2] ?? 0);
const THRESHOLD = Number(process.argv[3] ?? 20000);
type V = { name: string; deferred: boolean };
const variants: V[] = [{ name: 'indexed', deferred: false }, { name: 'deferred', deferred: true }];
const random = rng(2026); const start = Date.UTC(2026, 0, 1); let n = 0;
const TOTAL = PREFILL + 400_000;
const batch = (size: number) => Array.from({ length: size }, () => syntheticEvent(random, n++, TOTAL, start, start + 330 * 86_400_000));
const src = '8c5e0a7e-5b7b-4b2a-9a56-3f0e5f1e2a11';
const dbs = variants.map((v, i) => {
  const db = new Database(path.join(dir, `v${i}.db`));
  db.pragma('journal_mode = WAL'); db.pragma('synchronous = FULL'); db.pragma('cache_size = -65536'); db.pragma('wal_autocheckpoint = 10000');
  db.exec(`create table access_events (id integer primary key autoincrement, occurredAt bigint not null, occurredAtText text not null, receivedAt bigint not null, sourceId text not null, userId text, action text not null, outcome text not null, patientId text, application text, workstation text, address text, department text, context text)`);
  common.forEach((c, k) => db.exec(`create index c${k} on access_events (${c})`));
  if (v.deferred) {
    db.exec(`create table ut (subject text not null, at integer not null, eventId integer not null, primary key (subject, at, eventId)) without rowid`);
    db.exec(`create table pt (subject text not null, at integer not null, eventId integer not null, primary key (subject, at, eventId)) without rowid`);
    db.exec(`create table tl_state (id integer primary key, through integer not null)`); db.exec('insert into tl_state values (1, 0)');
  } else {
    db.exec('create index u on access_events (userId, occurredAt)'); db.exec('create index p on access_events (patientId, occurredAt)');
  }
  const st = db.prepare(INSERT);
  const getThrough = v.deferred ? db.prepare('select through from tl_state where id = 1').pluck() : undefined;
  const insU = v.deferred ? db.prepare('insert into ut (subject, at, eventId) select userId, occurredAt, id from access_events where id > ? and id <= ? and userId is not null order by userId, occurredAt, id') : undefined;
  const insP = v.deferred ? db.prepare('insert into pt (subject, at, eventId) select patientId, occurredAt, id from access_events where id > ? and id <= ? and patientId is not null order by patientId, occurredAt, id') : undefined;
  const setThrough = v.deferred ? db.prepare('update tl_state set through = ? where id = 1') : undefined;
  const put = (rows: ReturnType<typeof batch>, force = false) => {
    const t = performance.now();
    db.transaction(() => {
      let last = 0;
      for (const r of rows) last = Number(st.run(r.occurredAt, r.occurredAtText, Date.now(), src, r.userId, r.action, r.outcome, r.patientId, r.application, r.workstation, r.address, r.department, r.context).lastInsertRowid);
      if (v.deferred) {
        const through = getThrough!.get() as number;
        if (force || last - through >= THRESHOLD) { insU!.run(through, last); insP!.run(through, last); setThrough!.run(last); }
      }
    }).immediate();
    return performance.now() - t;
  };
  return { v, db, put, ms: {} as Record<number, number> };
});
if (PREFILL) {
  const t0 = performance.now();
  while (n < PREFILL) { const rows = batch(50_000); for (const d of dbs) d.put(rows, true); }
  console.log('prefilled', PREFILL, Math.round((performance.now() - t0) / 1000), 's');
}
for (const size of [10000, 1000]) {
  const count = 200_000;
  for (let done = 0; done < count; done += size) { const rows = batch(size); for (const d of dbs) d.ms[size] = (d.ms[size] ?? 0) + d.put(rows); }
  for (const d of dbs) console.log(`batch ${size}`.padEnd(12), d.v.name.padEnd(10), Math.round(count / d.ms[size]! * 1000), 'rows/s');
}
for (const d of dbs) console.log(d.v.name, (d.db.prepare('select page_count*page_size/1048576.0 as mb from pragma_page_count, pragma_page_size').get() as any).mb.toFixed(0), 'MB');
