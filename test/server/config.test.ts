import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../server/config.ts';

describe('config', () => {
  it('has working defaults: SQLite in ./data, port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('sqlite');
    expect(config.database.kind === 'sqlite' && config.database.file).toMatch(/data[/\\]vigie\.db$/);
    expect(config.publicOrigin).toBe('http://localhost:3000');
    expect(config.secureCookies).toBe(false);
    expect(config.retentionDays).toBe(365);
    expect(config.session).toEqual({ idleMs: 30 * 60_000, absoluteMs: 12 * 3_600_000 });
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.session)).toBe(true);
  });

  it('refuses a bad port, naming the variable and what is expected', () => {
    expect(() => loadConfig({ VIGIE_PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ VIGIE_PORT: 'abc' })).toThrow(
      /VIGIE_PORT="abc": expected an integer between 0 and 65535/,
    );
    expect(() => loadConfig({ VIGIE_PORT: '70000' })).toThrow(/VIGIE_PORT/);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ VIGIE_PORT: '-1', VIGIE_DATABASE_URL: 'mysql://x', VIGIE_LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(3);
      expect((error as ConfigError).message).toMatch(/VIGIE_DATABASE_URL.*postgres:\/\//);
      expect((error as ConfigError).message).toMatch(/VIGIE_LOG_LEVEL/);
    }
  });

  it('refuses a retention shorter than the six-month floor', () => {
    expect(() => loadConfig({ VIGIE_RETENTION_DAYS: '90' })).toThrow(/VIGIE_RETENTION_DAYS.*183/);
    expect(loadConfig({ VIGIE_RETENTION_DAYS: '183' }).retentionDays).toBe(183);
  });

  it('refuses an unknown VIGIE_ variable (a typo would otherwise be silently ignored)', () => {
    expect(() => loadConfig({ VIGIE_PROT: '3000' })).toThrow(/VIGIE_PROT: unknown variable/);
  });

  it('reads PostgreSQL, public URL, proxy and secret key', () => {
    const config = loadConfig({
      VIGIE_DATABASE_URL: 'postgres://u@db:5432/vigie',
      VIGIE_PUBLIC_URL: 'https://vigie.clinique.fr',
      VIGIE_TRUST_PROXY: '1',
      VIGIE_SECRET_KEY: 'ab'.repeat(32),
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/vigie',
      poolSize: 10,
      connectTimeoutMs: 5000,
    });
    expect(config.publicOrigin).toBe('https://vigie.clinique.fr');
    expect(config.secureCookies).toBe(true);
    expect(config.trustProxy).toBe(1);
    expect(config.secretKey?.length).toBe(32);
    expect(() => loadConfig({ VIGIE_SECRET_KEY: 'short' })).toThrow(/VIGIE_SECRET_KEY.*64 hex digits/);
  });

  it("reads VIGIE_TRUST_PROXY as a hop count or the proxies' addresses, refuses a malformed address, and warns about true", () => {
    expect(loadConfig({ VIGIE_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ VIGIE_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ VIGIE_TRUST_PROXY: '10.0.0.5, 192.168.1.0/24, ::1, loopback' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.1.0/24',
      '::1',
      'loopback',
    ]);
    expect(() => loadConfig({ VIGIE_TRUST_PROXY: '10.0.0.5, proxy.clinique.fr' })).toThrow(
      /VIGIE_TRUST_PROXY=.*"proxy\.clinique\.fr" is none of these/,
    );
    expect(() => loadConfig({ VIGIE_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/VIGIE_TRUST_PROXY/);
    expect(configWarnings(loadConfig({ VIGIE_TRUST_PROXY: 'true' }))).toEqual([
      expect.stringMatching(/VIGIE_TRUST_PROXY=true believes any X-Forwarded-For.*forge/),
    ]);
    for (const value of ['false', '1', '10.0.0.5'])
      expect(configWarnings(loadConfig({ VIGIE_TRUST_PROXY: value }))).toEqual([]);
  });
});
