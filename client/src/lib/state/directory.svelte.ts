// The directory's admin state: contents, recent imports, and an import in two
// steps (a checked preview, then the commit).
import { api, ApiError } from '../api.ts';

export const KINDS = ['staff', 'patients', 'encounters', 'assignments', 'workstations'] as const;
export type Kind = (typeof KINDS)[number];

export interface ImportReport {
  kind: Kind;
  format: 'csv' | 'json' | 'fhir';
  filename: string | null;
  total: number;
  valid: number;
  created: number;
  updated: number;
  rejected: { at: string; id: string | null; problems: string[] }[];
  ignored: number;
  committed: boolean;
  partial: boolean;
}

export interface DirectorySummary {
  counts: Record<Kind, number>;
  imports: {
    id: number;
    kind: Kind;
    format: string;
    filename: string | null;
    at: number;
    actor: string;
    total: number;
    created: number;
    updated: number;
    rejected: number;
  }[];
}

/** The file goes as it is (not JSON-wrapped): the server reads CSV, JSON or a FHIR Bundle. */
async function upload(file: File, kind: Kind, options: { partial: boolean; dryRun: boolean }): Promise<ImportReport> {
  const format = file.name.toLowerCase().endsWith('.json') ? 'json' : 'csv';
  const params = new URLSearchParams({
    kind,
    format,
    filename: file.name,
    partial: String(options.partial),
    dryRun: String(options.dryRun),
  });
  const response = await fetch(`/api/v1/directory/imports?${params}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'text/plain; charset=utf-8' },
    body: await file.text(),
  });
  const body = (await response.json().catch(() => undefined)) as
    | { error?: { code: string; message: string; requestId?: string; details?: Record<string, unknown> } }
    | ImportReport
    | undefined;
  if (!response.ok) {
    const e = (
      body as { error?: { code: string; message: string; requestId?: string; details?: Record<string, unknown> } }
    )?.error;
    throw new ApiError(
      response.status,
      e?.code ?? `http.${response.status}`,
      e?.message ?? response.statusText,
      e?.requestId,
      e?.details,
    );
  }
  return body as ImportReport;
}

class DirectoryState {
  summary = $state<DirectorySummary | null>(null);
  report = $state<ImportReport | null>(null);
  error = $state<ApiError | null>(null);
  busy = $state(false);

  async load(): Promise<void> {
    this.summary = await api.get<DirectorySummary>('/directory');
  }

  async run(file: File, kind: Kind, options: { partial: boolean; dryRun: boolean }): Promise<ImportReport | null> {
    this.busy = true;
    this.error = null;
    try {
      this.report = await upload(file, kind, options);
      if (this.report.committed) await this.load();
      return this.report;
    } catch (error) {
      this.error = error instanceof ApiError ? error : new ApiError(0, 'network', String(error));
      const report = this.error.details?.report as ImportReport | undefined;
      if (report) this.report = report;
      return null;
    } finally {
      this.busy = false;
    }
  }

  clear(): void {
    this.report = null;
    this.error = null;
  }
}

export const directory = new DirectoryState();
