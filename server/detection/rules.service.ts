// The rule set: definitions from rules/*.yaml (the source), with the admins'
// overrides (on/off, severity, threshold, window, params) from the database.
import { actorLabel, userIdOfLabel, type Actor } from '../actor.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Clock } from '../clock.ts';
import { Invalid, NotFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { inTransaction } from '../store/transaction.ts';
import type { DetectionRepo, RuleOverrideRow } from './detection.repo.ts';
import type { RulePatch } from './detection.schemas.ts';
import { formatDuration, parseDuration } from './rule-file.schemas.ts';
import { compileRule, RulesError, type CompiledRule, type RuleDefinition, type RuleOverride } from './rule-loader.ts';

function overrideOf(row: RuleOverrideRow | undefined): RuleOverride | undefined {
  if (!row) return undefined;
  return {
    enabled: row.enabled === null ? null : row.enabled === 1,
    severity: row.severity as RuleOverride['severity'],
    threshold: row.threshold,
    windowMs: row.windowMs,
    params: row.params ? (JSON.parse(row.params) as Record<string, number | string>) : null,
  };
}

export function createRulesService(deps: {
  db: Db;
  repo: DetectionRepo;
  audit: AuditService;
  clock: Clock;
  definitions: RuleDefinition[];
  /** Display names of user ids, to say who changed a rule. */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}) {
  const { db, repo, audit, clock, definitions, userNames } = deps;
  const byId = new Map(definitions.map((d) => [d.source.id, d]));
  const listeners = new Set<() => void>();

  const namesOf = (rows: readonly RuleOverrideRow[]) =>
    userNames(rows.flatMap((r) => userIdOfLabel(r.updatedBy) ?? []));

  function present(
    def: RuleDefinition,
    rule: CompiledRule,
    row: RuleOverrideRow | undefined,
    names: ReadonlyMap<string, string>,
  ) {
    const s = def.source;
    return {
      id: s.id,
      file: def.file,
      title: s.title,
      description: rule.description,
      kind: s.count ? 'count' : 'event',
      enabled: rule.enabled,
      severity: rule.severity,
      window: formatDuration(rule.windowMs),
      threshold: rule.threshold ?? null,
      params: Object.fromEntries(
        Object.entries(rule.params).map(([k, v]) => [k, rule.paramKinds[k] === 'duration' ? formatDuration(v) : v]),
      ),
      defaults: {
        enabled: s.enabled,
        severity: s.severity,
        window: s.window,
        threshold: s.threshold ?? null,
        params: s.params,
      },
      // `by` as stored (`user:<id>`, `cli`…); `byName` the user's name when it is one.
      overridden: row
        ? { at: row.updatedAt, by: row.updatedBy, byName: names.get(userIdOfLabel(row.updatedBy) ?? '') ?? null }
        : null,
      fingerprint: s.fingerprint,
      suppression: s.suppression,
      yieldsTo: s.yields_to,
    };
  }

  return {
    definitions,
    /** The effective rules (YAML + overrides), ready for the engine. */
    async compiled(): Promise<CompiledRule[]> {
      const rows = new Map((await repo.overrides(db)).map((r) => [r.ruleId, r]));
      return definitions.map((d) => compileRule(d, overrideOf(rows.get(d.source.id))));
    },
    version: () => repo.overridesVersion(db),
    title: (id: string) => byId.get(id)?.source.title,
    /** A rule's explanation template as its YAML says now (its alerts read with it). */
    explanation: (id: string) => byId.get(id)?.source.explanation,

    async list(_actor: Actor) {
      const rows = new Map((await repo.overrides(db)).map((r) => [r.ruleId, r]));
      const names = await namesOf([...rows.values()]);
      return definitions.map((d) =>
        present(d, compileRule(d, overrideOf(rows.get(d.source.id))), rows.get(d.source.id), names),
      );
    },

    /** Changes a rule's settings (null resets one to the YAML value); audited. */
    async update(actor: Actor, id: string, patch: RulePatch) {
      const def = byId.get(id);
      if (!def) throw new NotFound('rule.not_found', `No rule ${id}`);
      if (patch.threshold !== undefined && patch.threshold !== null && !def.source.count)
        throw new Invalid('rule.threshold', `Rule ${id} counts nothing: it has no threshold`);
      const params = patch.params === undefined ? undefined : patch.params;
      if (params) {
        for (const [name, value] of Object.entries(params)) {
          const yaml = def.source.params[name];
          if (yaml === undefined)
            throw new Invalid(
              'rule.param',
              `Rule ${id} has no param ${name} (it has: ${Object.keys(def.source.params).join(', ') || 'none'})`,
              { param: name },
            );
          if (
            typeof yaml === 'number' ? typeof value !== 'number' || !(value >= 0) : parseDuration(value) === undefined
          ) {
            throw new Invalid(
              'rule.param',
              `Param ${name} of ${id} must be ${typeof yaml === 'number' ? 'a number' : 'a duration such as 10m, 24h or 7d'}`,
              { param: name },
            );
          }
        }
      }
      const windowMs =
        patch.window === undefined ? undefined : patch.window === null ? null : parseDuration(patch.window);
      if (windowMs === undefined && patch.window)
        throw new Invalid('rule.window', 'window must be a duration such as 10m, 24h or 7d');
      const result = await inTransaction(db, async (trx) => {
        const before = overrideOf(await repo.override(trx, id));
        const next: RuleOverride = {
          enabled: patch.enabled === undefined ? (before?.enabled ?? null) : patch.enabled,
          severity: patch.severity === undefined ? (before?.severity ?? null) : patch.severity,
          threshold: patch.threshold === undefined ? (before?.threshold ?? null) : patch.threshold,
          windowMs: windowMs === undefined ? (before?.windowMs ?? null) : windowMs,
          params:
            params === undefined
              ? (before?.params ?? null)
              : params === null
                ? null
                : { ...(before?.params ?? {}), ...params },
        };
        const issues: { path: (string | number)[]; message: string }[] = [];
        compileRule(def, next, issues);
        if (issues.length)
          throw new Invalid('rule.invalid', `The change makes rule ${id} invalid: ${issues[0]!.message}`, { issues });
        const empty = Object.values(next).every((v) => v === null || v === undefined);
        if (empty) await repo.deleteOverride(trx, id);
        else {
          await repo.saveOverride(trx, {
            ruleId: id,
            enabled: next.enabled === null || next.enabled === undefined ? null : next.enabled ? 1 : 0,
            severity: next.severity ?? null,
            threshold: next.threshold ?? null,
            windowMs: next.windowMs ?? null,
            params: next.params ? JSON.stringify(next.params) : null,
            updatedAt: clock.now(),
            updatedBy: actorLabel(actor),
          });
        }
        await audit.record(trx, {
          actor,
          action: 'rule.updated',
          target: { type: 'rule', id },
          details: { before: before ?? null, after: empty ? null : next },
        });
        return { rule: compileRule(def, next), row: empty ? undefined : await repo.override(trx, id) };
      });
      for (const l of listeners) l();
      // Names are read after the commit: on SQLite the transaction holds the one connection.
      return present(def, result.rule, result.row, await namesOf(result.row ? [result.row] : []));
    },

    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;
export { RulesError };
