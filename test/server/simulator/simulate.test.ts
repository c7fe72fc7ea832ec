import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AccessEventRecord } from '../../../server/ingest/pipeline/access-event.schemas.ts';
import { simulate } from '../../../server/simulator/simulate.ts';
import { tempDir } from '../../support/config.ts';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, VIGIE_DATA_DIR: tempDir() },
  });

describe('the simulated clinic', () => {
  it('writes the same files, byte for byte, for the same seed; other files for another seed', async () => {
    const a = tempDir('vigie-sim-');
    const b = tempDir('vigie-sim-');
    await cli('simulate', '--staff', '40', '--patients', '800', '--days', '4', '--seed', '11', '--out', a);
    await cli('simulate', '--staff', '40', '--patients', '800', '--days', '4', '--seed', '11', '--out', b);
    const names = fs.readdirSync(a).sort();
    expect(names).toEqual([
      'assignments.csv',
      'encounters.csv',
      'events.ndjson',
      'patients.csv',
      'staff.csv',
      'truth.json',
      'workstations.csv',
    ]);
    for (const n of names) expect(fs.readFileSync(path.join(b, n)).equals(fs.readFileSync(path.join(a, n)))).toBe(true);
    const other = simulate({ staff: 40, patients: 800, days: 4, seed: 12, start: '2026-03-02' });
    expect(other.files['events.ndjson']).not.toBe(fs.readFileSync(path.join(a, 'events.ndjson'), 'utf8'));
  }, 120_000);

  it('writes events in the ingest format, in time order, and a truth whose event ids are their line numbers', () => {
    const sim = simulate({ staff: 50, patients: 1500, days: 14, seed: 4, start: '2026-03-16' });
    const lines = sim.files['events.ndjson']!.trim().split('\n');
    let previous = 0;
    for (const line of lines) {
      const record = AccessEventRecord.parse(JSON.parse(line));
      const t = Date.parse(record.time.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
    }
    // 29 March 2026: Paris moves to summer time.
    expect(lines.some((l) => l.includes('2026-03-28T') && l.includes('+01:00'))).toBe(true);
    expect(lines.some((l) => l.includes('2026-03-30T') && l.includes('+02:00'))).toBe(true);
    const truth = JSON.parse(sim.files['truth.json']!) as {
      incidents: { rule: string; user: string; eventIds: number[] }[];
    };
    // Every scenario but bulk access: no department of a 1,500-patient clinic has 55 patients to open at once.
    const rules = fs
      .readdirSync('rules')
      .map((f) => f.replace('.yaml', ''))
      .filter((r) => r !== 'bulk-access');
    expect([...new Set(truth.incidents.map((i) => i.rule))].sort()).toEqual(rules.sort());
    for (const i of truth.incidents) {
      expect(i.eventIds.length).toBeGreaterThan(0);
      for (const id of i.eventIds) expect(lines[id - 1]).toBeDefined();
    }
    const glass = truth.incidents.find((i) => i.rule === 'break-glass')!;
    expect(JSON.parse(lines[glass.eventIds[0]! - 1]!)).toMatchObject({ action: 'break_glass', user: glass.user });
  });

  it('refuses bad options with a clear message', async () => {
    await expect(cli('simulate', '--staff', 'many', '--out', tempDir())).rejects.toMatchObject({
      stderr: expect.stringContaining('--staff must be an integer between 10 and 20000 (got "many")'),
    });
    await expect(cli('simulate', '--post', 'http://127.0.0.1:9')).rejects.toMatchObject({
      stderr: expect.stringContaining('--post needs --token'),
    });
  }, 60_000);
});

describe('rules check', () => {
  it('lists the rules when they are fine, and names file, line and problem when not', async () => {
    const ok = await cli('rules', 'check');
    expect(ok.stdout).toMatch(/^15 rules OK in rules:/);
    const dir = tempDir('vigie-rules-');
    fs.copyFileSync('rules/break-glass.yaml', path.join(dir, 'break-glass.yaml'));
    fs.writeFileSync(
      path.join(dir, 'broken.yaml'),
      fs
        .readFileSync('rules/vip-record.yaml', 'utf8')
        .replace('id: vip-record', 'id: broken')
        .replace('patient: vip', 'patient: famous')
        .replace(
          'yields_to: [self-access, relative-record, colleague-record, neighbour-record]',
          'yields_to: [break-glass]',
        ),
    );
    const bad = await cli('rules', 'check', '--dir', dir).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(1);
    expect(bad?.stderr).toMatch(
      /broken\.yaml:\d+:\d+: when\[\d\]\.patient: unknown value famous \(known: vip, staff, deceased\)/,
    );
  }, 60_000);
});

describe('directory import CLI', () => {
  it('imports a file and reports it; refuses a file with a bad row, listing it, and imports the good rows with --partial', async () => {
    const dataDir = tempDir();
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, VIGIE_DATA_DIR: dataDir };
    const vigie = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { env });
    const file = path.join(tempDir(), 'staff.csv');
    fs.writeFileSync(file, 'id,familyName,department\na1,Roux,Cardiologie\na2,,Cardiologie\n');
    const refused = await vigie('directory', 'import', '--kind', 'staff', file).then(
      () => null,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('staff.csv (staff, csv): 2 rows — 1 valid (1 new, 0 updated), 1 refused');
    expect(refused?.stderr).toContain('  line 3 (a2): familyName: required');
    expect(refused?.stderr).toContain('Nothing was imported');
    const partial = await vigie('directory', 'import', '--kind', 'staff', '--partial', file);
    expect(partial.stdout).toContain('Imported the 1 good rows; the 1 refused rows were not imported.');
    const again = await vigie('directory', 'import', '--kind', 'staff', '--partial', file);
    expect(again.stdout).toContain('1 valid (0 new, 1 updated)');
    await expect(vigie('directory', 'import', '--kind', 'pets', file)).rejects.toMatchObject({
      stderr: expect.stringContaining('--kind must be one of staff, patients, encounters, assignments, workstations'),
    });
  }, 90_000);
});
