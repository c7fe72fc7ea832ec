import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { SyslogListener } from '../../../server/ingest/syslog/syslog-listener.job.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';
import { describeEachDialect } from '../../support/db.ts';
import { createSource, eventRecord } from './helpers.ts';
import { wazuhAlert } from './tool-examples.ts';

const run = promisify(execFile);

describeEachDialect('syslog listener', (dialect) => {
  let t: TestApp;
  let syslog: SyslogListener;
  let port: number;
  beforeEach(async () => {
    t = await createTestApp({ dialect, env: { VIGIE_SYSLOG_PORT: '0', VIGIE_SYSLOG_HOST: '127.0.0.1' } });
    syslog = t.services.syslog!;
    await syslog.start();
    port = syslog.ports().tcp;
  });
  afterEach(async () => {
    await syslog.stop();
    await t.close();
  });

  /** Waits until `check` passes: syslog has no acknowledgement to wait for. */
  async function eventually<T>(check: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      await syslog.drain();
      try {
        return await check();
      } catch (error) {
        if (i > 50) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  const events = () =>
    t.services.db
      .selectFrom('access_events')
      .select(['userId', 'action', 'sourceId', 'patientId'])
      .orderBy('id')
      .execute();
  const system = () => t.services.db.selectFrom('system_events').selectAll().orderBy('id').execute();

  it('takes an access event from `logger --tcp` (RFC 5424, newline framing) and one over UDP', async () => {
    const { source } = await createSource(t.services, 'syslog', 'srv-dxcare', ['127.0.0.1']);
    await run('logger', [
      '--tcp',
      '--port',
      String(port),
      '--server',
      '127.0.0.1',
      '--tag',
      'dxcare',
      JSON.stringify(eventRecord(1, { user: 'tcp-user' })),
    ]);
    await run('logger', [
      '--udp',
      '--port',
      String(port),
      '--server',
      '127.0.0.1',
      '--tag',
      'dxcare',
      JSON.stringify(eventRecord(2, { user: 'udp-user' })),
    ]);
    const rows = await eventually(async () => {
      const r = await events();
      expect(r).toHaveLength(2);
      return r;
    });
    expect(rows.map((r) => r.userId).sort()).toEqual(['tcp-user', 'udp-user']);
    expect(rows.every((r) => r.sourceId === source.id && r.action === 'read')).toBe(true);
    const audit = await t.services.db
      .selectFrom('audit_entries')
      .select(['details', 'actor'])
      .where('action', '=', 'ingest.batch')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({
      format: 'syslog',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const view = await t.services.sources.get(source.id);
    expect(view.today.accepted).toBe(2);
  });

  it('keeps other lines as raw system events (RFC 3164 and octet counting), and raises a Wazuh alert carried by syslog', async () => {
    await createSource(t.services, 'syslog', 'srv-files', ['127.0.0.0/8']);
    await run('logger', [
      '--tcp',
      '--octet-count',
      '--rfc3164',
      '--port',
      String(port),
      '--server',
      '127.0.0.1',
      '--tag',
      'sshd',
      'Accepted publickey for root from 10.0.0.9',
    ]);
    await run('logger', [
      '--tcp',
      '--octet-count',
      '--port',
      String(port),
      '--server',
      '127.0.0.1',
      '--tag',
      'wazuh',
      JSON.stringify(wazuhAlert),
    ]);
    await run('logger', [
      '--udp',
      '--port',
      String(port),
      '--server',
      '127.0.0.1',
      '--tag',
      'app',
      '--sd-id',
      'origin@32473',
      '--sd-param',
      'software="x"',
      'plain words',
    ]);
    const rows = await eventually(async () => {
      const r = await system();
      expect(r).toHaveLength(2);
      return r;
    });
    const bsd = rows.find((r) => r.format === 'rfc3164')!;
    expect(bsd).toMatchObject({
      appName: 'sshd',
      message: 'Accepted publickey for root from 10.0.0.9',
      occurredAt: null,
      peer: '127.0.0.1',
    });
    expect(bsd.raw).toMatch(/^<13>\w{3} [ \d]\d \d\d:\d\d:\d\d /);
    const sd = rows.find((r) => r.format === 'rfc5424')!;
    expect(sd.message).toBe('plain words');
    expect(JSON.parse(sd.structuredData!)).toMatchObject({ 'origin@32473': { software: 'x' } });
    const alerts = await eventually(async () => {
      const a = await t.services.db.selectFrom('alerts').select(['rule', 'origin']).execute();
      expect(a).toHaveLength(1);
      return a;
    });
    expect(alerts).toEqual([{ rule: 'wazuh:5712', origin: 'wazuh' }]);
  });

  it('stores the 100 good lines around a ~20 KB Wazuh-shaped line nested 10,000 deep; that line is kept raw, refused alone', async () => {
    const { source } = await createSource(t.services, 'syslog', 'srv-wazuh', ['127.0.0.1']);
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const hostile = `<13>1 2026-11-28T13:26:16Z wazuh-manager wazuh - - - ${JSON.stringify(wazuhAlert).replace(/}$/, `,"data":{"nested":${deep}}}`)}`;
    const lines = Array.from(
      { length: 100 },
      (_, i) => `<13>1 - host dxcare - - - ${JSON.stringify(eventRecord(i, { user: `line-${i}` }))}`,
    );
    lines.splice(50, 0, hostile);
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    await new Promise<void>((resolve) => socket.end(lines.join('\n') + '\n', resolve));
    const rows = await eventually(async () => {
      const r = await events();
      expect(r).toHaveLength(100);
      return r;
    });
    expect(new Set(rows.map((r) => r.userId)).size).toBe(100);
    const kept = await eventually(async () => {
      const r = await system();
      expect(r).toHaveLength(1);
      return r[0]!;
    });
    expect(kept).toMatchObject({ appName: 'wazuh', raw: hostile });
    const view = await t.services.sources.get(source.id);
    expect(view.today).toMatchObject({ accepted: 101, refused: 1 });
    expect(view.lastError).toMatch(/nested deeper than 64 levels/);
  });

  it('drops what comes from an address no source allows, or from a disabled source', async () => {
    const { source } = await createSource(t.services, 'syslog', 'elsewhere', ['10.9.9.9']);
    await run('logger', ['--tcp', '--port', String(port), '--server', '127.0.0.1', JSON.stringify(eventRecord(1))]);
    await t.services.sources.update({ kind: 'cli' }, source.id, { allowedAddresses: ['127.0.0.1'], enabled: false });
    await run('logger', ['--udp', '--port', String(port), '--server', '127.0.0.1', JSON.stringify(eventRecord(2))]);
    await new Promise((r) => setTimeout(r, 300));
    await syslog.drain();
    expect(await events()).toEqual([]);
    expect(await system()).toEqual([]);
    expect(t.logs.text()).toMatch(/no enabled syslog source allows/);
  });
});
