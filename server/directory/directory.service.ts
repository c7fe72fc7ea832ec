// Imports the directory (staff, patients, care relationships, workstations)
// and serves its in-memory index to the detector. An import is one
// transaction: all rows or none, unless `partial` keeps the good ones.
import { actorLabel, type Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Invalid } from '../errors.ts';
import { maskPatientId } from '../privacy.ts';
import type { Db } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import { referencesOf, validateRows, type RejectedRow } from './directory-import.ts';
import { DirectoryIndex } from './directory-index.ts';
import type { DirectoryRepo, DirectoryRows } from './directory.repo.ts';
import { parseImport, type ImportFormat } from './parse.ts';
import type { DirectoryKind } from './records.ts';

export interface ImportInput {
  kind: DirectoryKind;
  /** csv or json; a JSON FHIR Bundle is recognised by its content. */
  format: 'csv' | 'json';
  filename?: string | null;
  content: string;
  /** Import the good rows and report the others, instead of refusing the file. */
  partial?: boolean;
  /** Validate and report, write nothing (the admin screen's preview). */
  dryRun?: boolean;
}

export interface ImportReport {
  kind: DirectoryKind;
  format: ImportFormat;
  filename: string | null;
  total: number;
  valid: number;
  created: number;
  updated: number;
  rejected: RejectedRow[];
  /** FHIR resources the kind does not read. */
  ignored: number;
  committed: boolean;
  partial: boolean;
}

export function createDirectoryService(deps: { db: Db; repo: DirectoryRepo; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;
  const listeners = new Set<() => void>();
  let cached: DirectoryIndex | undefined;

  async function checkReferences<K extends DirectoryKind>(
    trx: Db,
    kind: K,
    valid: { at: string; row: DirectoryRows[K] }[],
    rejected: RejectedRow[],
  ) {
    const staffRefs = new Set<string>();
    const patientRefs = new Set<string>();
    for (const v of valid) {
      const r = referencesOf(kind, v.row);
      r.staff.forEach((s) => staffRefs.add(s));
      r.patients.forEach((p) => patientRefs.add(p));
    }
    const knownStaff = staffRefs.size ? await repo.existingIds(trx, 'staff', [...staffRefs]) : new Set<string>();
    const knownPatients = patientRefs.size
      ? await repo.existingIds(trx, 'patients', [...patientRefs])
      : new Set<string>();
    const kept: typeof valid = [];
    for (const v of valid) {
      const r = referencesOf(kind, v.row);
      const problems = [
        ...r.staff
          .filter((s) => !knownStaff.has(s))
          .map((s) => `staff "${s}" is not in the directory (import staff first)`),
        ...r.patients
          .filter((p) => !knownPatients.has(p))
          .map((p) => `patient ${maskPatientId(p)} is not in the directory (import patients first)`),
      ];
      if (problems.length) rejected.push({ at: v.at, id: (v.row as { id: string }).id, problems });
      else kept.push(v);
    }
    return kept;
  }

  return {
    /** Validates the file, then writes it in one transaction (or only reports, with dryRun). */
    async import(actor: Actor, input: ImportInput): Promise<ImportReport> {
      const now = clock.now();
      const parsed = parseImport(input.kind, input.format, input.content);
      if (!parsed.rows.length) throw new Invalid('directory.empty', `The file has no ${input.kind} rows`);
      const { valid, rejected } = validateRows(input.kind, parsed.rows, now);
      const report: ImportReport = {
        kind: input.kind,
        format: parsed.format,
        filename: input.filename ?? null,
        total: parsed.rows.length,
        valid: 0,
        created: 0,
        updated: 0,
        rejected,
        ignored: parsed.ignored,
        committed: false,
        partial: Boolean(input.partial),
      };
      const table = input.kind;
      await inTransaction(db, async (trx) => {
        const good = await checkReferences(trx, input.kind, valid, rejected);
        const order = new Map(parsed.rows.map((r, i) => [r.at, i]));
        rejected.sort((a, b) => (order.get(a.at) ?? 0) - (order.get(b.at) ?? 0));
        report.valid = good.length;
        const existing = await repo.existingIds(
          trx,
          table,
          good.map((g) => (g.row as { id: string }).id),
        );
        report.updated = existing.size;
        report.created = good.length - existing.size;
        if (input.dryRun || (rejected.length && !input.partial) || !good.length) return;
        await repo.upsert(trx, table, good.map((g) => g.row) as never);
        const entry = await repo.recordImport(trx, {
          kind: input.kind,
          format: parsed.format,
          filename: input.filename ?? null,
          at: now,
          actor: actorLabel(actor),
          total: report.total,
          created: report.created,
          updated: report.updated,
          rejected: rejected.length,
        });
        await audit.record(trx, {
          actor,
          action: 'directory.imported',
          target: { type: 'directory_import', id: entry.id },
          details: {
            kind: input.kind,
            format: parsed.format,
            filename: input.filename ?? null,
            total: report.total,
            created: report.created,
            updated: report.updated,
            rejected: rejected.length,
            partial: report.partial,
          },
        });
        report.committed = true;
      });
      if (rejected.length && !input.partial && !input.dryRun) {
        throw new Invalid(
          'directory.rows_invalid',
          `${rejected.length} of ${report.total} rows are wrong: nothing was imported (fix them, or import with partial to keep the good rows)`,
          { report },
        );
      }
      if (report.committed) {
        cached = undefined;
        for (const l of listeners) l();
      }
      return report;
    },

    /** The in-memory index, rebuilt after an import here or elsewhere (version = last import id). */
    async index(): Promise<DirectoryIndex> {
      const version = await repo.version(db);
      if (cached && cached.version === version) return cached;
      const [staff, patients, encounters, assignments, workstations] = await Promise.all([
        repo.all(db, 'staff'),
        repo.all(db, 'patients'),
        repo.all(db, 'encounters'),
        repo.all(db, 'assignments'),
        repo.all(db, 'workstations'),
      ]);
      cached = new DirectoryIndex(version, { staff, patients, encounters, assignments, workstations });
      return cached;
    },

    async summary() {
      return { counts: await repo.counts(db), imports: await repo.recentImports(db, 20) };
    },

    /** Called after each committed import (the detector refreshes its index). */
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    repo,
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
