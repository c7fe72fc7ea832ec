// Syslog under load (issue 11, items 2, 4, 5): a busy writer never costs a TCP
// line (back-pressure), UDP losses are counted to the last datagram — the
// kernel's included — and stopping never waits on a sender that stays connected.
import dgram from 'node:dgram';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, expect, it, vi } from 'vitest';
import { createSyslogListener, type SyslogListener } from '../../../server/ingest/syslog/syslog-listener.job.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource } from './helpers.ts';

const line = (i: number) => `<13>1 2026-11-28T14:00:00.000Z host app - - - n=${i}`;

describeEachDialect('syslog flow control', (dialect) => {
  let t: TestApp;
  let syslog: SyslogListener;
  afterEach(async () => {
    await syslog?.stop();
    await t?.close();
  });

  async function setup(
    env: Record<string, string> = {},
    options: Parameters<typeof createSyslogListener>[0]['options'] = { port: 0, host: '127.0.0.1' },
  ) {
    t = await createTestApp({ dialect, env });
    syslog = createSyslogListener({ sources: t.services.sources, ingest: t.services.ingest, log: t.logs.log, options });
    await syslog.start();
    const { source } = await createSource(t.services, 'syslog', `syslog-${dialect}`, ['127.0.0.1']);
    return source;
  }
  const stored = async () =>
    (await t.services.db.selectFrom('system_events').select('message').orderBy('id').execute()).map((r) =>
      Number(r.message.slice(2)),
    );
  async function eventually<T>(check: () => Promise<T>, tries = 100): Promise<T> {
    for (let i = 0; ; i++) {
      await syslog.drain();
      try {
        return await check();
      } catch (error) {
        if (i > tries) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  it('keeps every TCP line while the writer is busy for longer than the old retries lasted, pausing the sender meanwhile', async () => {
    const source = await setup({ VIGIE_INGEST_QUEUE_BATCHES: '1' });
    const hold = t.services.ingest.reserve(); // the writer's only place: every syslog commit is 503 until released
    const sender = net.connect(syslog.ports().tcp, '127.0.0.1');
    await new Promise((r) => sender.once('connect', r));
    sender.write(Array.from({ length: 99 }, (_, i) => line(i) + '\n').join(''));
    // The old listener gave a batch up after five failed attempts, about nine seconds.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(await stored()).toEqual([]);
    hold.release();
    const kept = await eventually(async () => {
      const s = await stored();
      expect(s).toHaveLength(99);
      return s;
    });
    expect(kept).toEqual(Array.from({ length: 99 }, (_, i) => i));
    expect((await t.services.sources.get(source.id)).today).toMatchObject({ accepted: 99, refused: 0 });
    expect(t.logs.text()).not.toMatch(/given up/);
    expect(t.logs.text()).toMatch(/TCP senders paused/);
    sender.destroy();
  }, 30_000);

  it('keeps every TCP line through a full disk that lasts longer than the old retries, and stores them once there is room', async () => {
    if (dialect !== 'sqlite') return;
    const source = await setup();
    const raw = t.store.sqlite!;
    const defaultMax = raw.pragma('max_page_count', { simple: true }) as number;
    // No page left: every syslog commit fails with SQLITE_FULL until the limit is lifted.
    raw.pragma(`max_page_count = ${raw.pragma('page_count', { simple: true }) as number}`);
    const sender = net.connect(syslog.ports().tcp, '127.0.0.1');
    await new Promise((r) => sender.once('connect', r));
    sender.write(Array.from({ length: 99 }, (_, i) => line(i) + '\n').join(''));
    // The listener used to give a failing batch up after five attempts about a second apart.
    await new Promise((r) => setTimeout(r, 7_000));
    raw.pragma(`max_page_count = ${defaultMax}`);
    const kept = await eventually(async () => {
      const s = await stored();
      expect(s).toHaveLength(99);
      return s;
    });
    expect(kept).toEqual(Array.from({ length: 99 }, (_, i) => i));
    expect((await t.services.sources.get(source.id)).today).toMatchObject({ accepted: 99, refused: 0 });
    expect(t.logs.text()).not.toMatch(/given up/);
    sender.destroy();
  });

  it('counts UDP datagrams beyond the backlog while the writer is busy as dropped: received + dropped = sent', async () => {
    const source = await setup(
      { VIGIE_INGEST_QUEUE_BATCHES: '1' },
      { port: 0, host: '127.0.0.1', backlogLines: 10, flushMs: 20 },
    );
    const hold = t.services.ingest.reserve();
    const client = dgram.createSocket('udp4');
    for (let i = 0; i < 100; i++)
      await new Promise<void>((r) => client.send(line(i), syslog.ports().udp, '127.0.0.1', () => r()));
    client.close();
    await new Promise((r) => setTimeout(r, 200));
    hold.release();
    const today = await eventually(async () => {
      const v = (await t.services.sources.get(source.id)).today;
      expect(v.accepted + v.dropped).toBe(100);
      return v;
    });
    expect(today.dropped).toBeGreaterThanOrEqual(90);
    expect((await t.services.sources.get(source.id)).lastError).toMatch(/dropped: 10 lines were already waiting/);
  });

  it('counts a UDP burst to the last datagram, the kernel’s drops included, with one source lookup per sender, not per datagram', async () => {
    const source = await setup({}, { port: 0, host: '127.0.0.1', udpBufferBytes: 4096 });
    const lookups = vi.spyOn(t.services.sources, 'syslogSourceFor');
    const sent = 3000;
    // Another thread sends the burst while this one is held: the small receive buffer overflows in the kernel.
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const dgram = require('node:dgram');
       const { workerData: { port, sent, done } } = require('node:worker_threads');
       const s = dgram.createSocket('udp4');
       (async () => {
         for (let i = 0; i < sent; i++) await new Promise((r) => s.send('<13>1 2026-11-28T14:00:00.000Z host app - - - n=' + i, port, '127.0.0.1', r));
         s.close();
         Atomics.store(done, 0, 1);
         Atomics.notify(done, 0);
       })();`,
      { eval: true, workerData: { port: syslog.ports().udp, sent, done } },
    );
    Atomics.wait(done, 0, 0, 20_000);
    await worker.terminate();
    const today = await eventually(async () => {
      const v = (await t.services.sources.get(source.id)).today;
      expect(v.accepted + v.dropped).toBe(sent);
      return v;
    });
    expect(today.dropped).toBeGreaterThan(0);
    expect(today.accepted).toBe((await stored()).length);
    expect((await t.services.sources.get(source.id)).lastError).toMatch(/dropped by the kernel/);
    expect(lookups.mock.calls.length).toBeLessThanOrEqual(5);
    // The sources API shows it too.
    const admin = await t.as('admin');
    const listed = await admin.http.get('/api/v1/sources').expect(200);
    expect(listed.body.items.find((s: { id: string }) => s.id === source.id).today).toEqual(today);
  }, 30_000);

  it('stops at once while a TCP sender stays connected and keeps sending, having stored every line it had read', async () => {
    await setup();
    const sender = net.connect(syslog.ports().tcp, '127.0.0.1');
    sender.on('error', () => undefined);
    await new Promise((r) => sender.once('connect', r));
    let next = 0;
    const pump = setInterval(() => {
      if (!sender.destroyed) sender.write(Array.from({ length: 20 }, () => line(next++) + '\n').join(''));
    }, 5);
    await new Promise((r) => setTimeout(r, 600));
    const sentBefore = next;
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await Promise.race([
      syslog.stop(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('stop() hung on a connected sender')), 5000)),
    ]);
    clearInterval(pump);
    expect(Date.now() - started).toBeLessThan(3000);
    const s = await stored();
    // A gapless prefix of what was sent, holding at least everything sent 300 ms before the stop.
    expect(s).toEqual(Array.from({ length: s.length }, (_, i) => i));
    expect(s.length).toBeGreaterThanOrEqual(sentBefore);
    sender.destroy();
  });
});
