// Loads rules/*.yaml: parses each file with positions, validates it, builds
// its conditions, and reports every problem as file:line:column with what is
// wrong. A rule set with a problem is refused whole (the server does not start).
import fs from 'node:fs';
import path from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { Severity } from '../alerts/alerts.tables.ts';
import { buildCondition, type BuildEnv, type Path, type Predicate } from './conditions.ts';
import { unknownPlaceholders } from './explain.ts';
import { formatDuration, parseDuration, RuleFileSchema, type RuleFile } from './rule-file.schemas.ts';

export interface RuleProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export class RulesError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(
      `Detection rules have ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map(formatProblem).join('\n')}`,
    );
    this.name = 'RulesError';
  }
}

export function formatProblem(p: RuleProblem): string {
  return `  ${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export interface RuleDefinition {
  file: string;
  source: RuleFile;
}

export interface RuleOverride {
  enabled?: boolean | null;
  severity?: Severity | null;
  threshold?: number | null;
  windowMs?: number | null;
  params?: Record<string, number | string> | null;
}

export interface CompiledRule {
  id: string;
  file: string;
  title: { fr: string; en: string };
  description: { fr: string; en: string };
  severity: Severity;
  enabled: boolean;
  windowMs: number;
  threshold: number | undefined;
  count:
    | {
        what: 'events' | 'distinct_patients' | 'distinct_users';
        per: 'user' | 'workstation' | 'address';
        baseline?: { userFactor: number; departmentFactor: number; minDays: number };
      }
    | undefined;
  when: Predicate;
  /** The actions its top-level `action:` condition allows (null: any): the engine skips the rule early. */
  actions: Set<string> | null;
  yieldsTo: string[];
  explanation: { fr: string; en: string };
  fingerprint: RuleFile['fingerprint'];
  suppression: RuleFile['suppression'];
  /** Effective params (durations in ms) and their kinds. */
  params: Record<string, number>;
  paramKinds: Record<string, 'duration' | 'number'>;
  /** The longest care window the rule looks at (break-the-glass declarations are kept that long). */
  careWindowMs: number;
}

const pathText = (p: Path) => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('');

function locate(doc: Document, counter: LineCounter, p: Path): { line: number; column: number } {
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

function paramsOf(source: RuleFile, override?: RuleOverride['params']) {
  const params: Record<string, number> = {};
  const paramKinds: Record<string, 'duration' | 'number'> = {};
  for (const [name, value] of Object.entries(source.params)) {
    paramKinds[name] = typeof value === 'number' ? 'number' : 'duration';
    const given = override?.[name] ?? value;
    params[name] = typeof given === 'number' ? given : parseDuration(given)!;
  }
  return { params, paramKinds };
}

/** Builds a validated rule with an admin's override; issues go to `issues` (empty = fine). */
export function compileRule(
  def: RuleDefinition,
  override: RuleOverride | undefined,
  issues: { path: Path; message: string }[] = [],
): CompiledRule {
  const s = def.source;
  const { params, paramKinds } = paramsOf(s, override?.params ?? undefined);
  const env: BuildEnv = { params, paramKinds, issues, careWindows: [] };
  const parts = s.when.map((c, i) => buildCondition(c, ['when', i], env));
  const ps = parts as Predicate[];
  const when: Predicate = parts.some((p) => p === null)
    ? () => false
    : (c) => {
        for (let i = 0; i < ps.length; i++) if (!ps[i]!(c)) return false;
        return true;
      };
  const resolve = (v: number | string, at: Path) => {
    if (typeof v === 'number') return v;
    const name = v.slice(1);
    if (!(name in params)) issues.push({ path: at, message: `unknown param ${v} (declare it under params:)` });
    else if (paramKinds[name] !== 'number')
      issues.push({ path: at, message: `${v} is a duration, here a number is needed` });
    return params[name] ?? 0;
  };
  const b = s.count?.baseline;
  for (const lang of ['fr', 'en'] as const) {
    const unknown = unknownPlaceholders(s.explanation[lang]);
    if (unknown.length)
      issues.push({
        path: ['explanation', lang],
        message: `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `{${u}}`).join(', ')}`,
      });
  }
  return {
    id: s.id,
    file: def.file,
    title: s.title,
    description: typeof s.description === 'string' ? { fr: s.description, en: s.description } : s.description,
    severity: override?.severity ?? s.severity,
    enabled: override?.enabled ?? s.enabled,
    windowMs: override?.windowMs ?? parseDuration(s.window)!,
    threshold: s.count ? (override?.threshold ?? s.threshold) : undefined,
    count: s.count && {
      what: s.count.what,
      per: s.count.per,
      baseline: b && {
        userFactor: resolve(b.user_factor, ['count', 'baseline', 'user_factor']),
        departmentFactor: resolve(b.department_factor, ['count', 'baseline', 'department_factor']),
        minDays: resolve(b.min_days, ['count', 'baseline', 'min_days']),
      },
    },
    when,
    actions: topLevelActions(s.when),
    yieldsTo: s.yields_to,
    explanation: s.explanation,
    fingerprint: s.fingerprint,
    suppression: s.suppression,
    params,
    paramKinds,
    careWindowMs: Math.max(0, ...env.careWindows),
  };
}

function topLevelActions(when: unknown[]): Set<string> | null {
  for (const c of when) {
    if (c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 1 && 'action' in c) {
      const a = (c as { action: unknown }).action;
      return new Set((Array.isArray(a) ? a : [a]).map(String));
    }
  }
  return null;
}

/** The YAML value of each param as written ("7d", 3). */
export function yamlParams(def: RuleDefinition): Record<string, number | string> {
  return { ...def.source.params };
}
export { formatDuration };

/** Reads and checks every rules/*.yaml; throws RulesError naming each problem. */
export function loadRules(dir: string): RuleDefinition[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new RulesError([
      { file: dir, line: 1, column: 1, path: '', message: 'the rules directory does not exist (VIGIE_RULES_DIR)' },
    ]);
  }
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const problems: RuleProblem[] = [];
  const defs: (RuleDefinition & { locate: (p: Path) => { line: number; column: number } })[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const shown = path.relative(process.cwd(), file) || file;
    const text = fs.readFileSync(file, 'utf8');
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        problems.push({
          file: shown,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `YAML: ${e.message.split('\n')[0]}`,
        });
      }
      continue;
    }
    const where = (p: Path) => locate(doc, counter, p);
    const parsed = RuleFileSchema.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const p = issue.path as Path;
        problems.push({ file: shown, ...where(p), path: pathText(p), message: issue.message });
      }
      continue;
    }
    const expected = name.replace(/\.ya?ml$/, '');
    if (parsed.data.id !== expected)
      problems.push({
        file: shown,
        ...where(['id']),
        path: 'id',
        message: `the id must be the file name ("${expected}")`,
      });
    const issues: { path: Path; message: string }[] = [];
    const def = { file: shown, source: parsed.data };
    compileRule(def, undefined, issues);
    for (const i of issues)
      problems.push({ file: shown, ...where(i.path), path: pathText(i.path), message: i.message });
    defs.push({ ...def, locate: where });
  }
  const ids = new Map<string, string>();
  for (const d of defs) {
    const before = ids.get(d.source.id);
    if (before)
      problems.push({
        file: d.file,
        ...d.locate(['id']),
        path: 'id',
        message: `rule "${d.source.id}" is also defined in ${before}`,
      });
    ids.set(d.source.id, d.file);
  }
  for (const d of defs) {
    d.source.yields_to.forEach((other, i) => {
      if (!ids.has(other))
        problems.push({
          file: d.file,
          ...d.locate(['yields_to', i]),
          path: `yields_to[${i}]`,
          message: `unknown rule "${other}"`,
        });
    });
  }
  if (!problems.length) {
    const cycle = findCycle(defs.map((d) => d.source));
    if (cycle) {
      const d = defs.find((x) => x.source.id === cycle[0])!;
      problems.push({
        file: d.file,
        ...d.locate(['yields_to']),
        path: 'yields_to',
        message: `rules yield to each other in a circle: ${cycle.join(' → ')}`,
      });
    }
  }
  if (!files.length)
    problems.push({
      file: dir,
      line: 1,
      column: 1,
      path: '',
      message: 'no rule files (*.yaml) in the rules directory',
    });
  if (problems.length) throw new RulesError(problems);
  return defs.map(({ file, source }) => ({ file, source }));
}

function findCycle(rules: RuleFile[]): string[] | null {
  const graph = new Map(rules.map((r) => [r.id, r.yields_to]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of graph.get(id) ?? []) {
      const c = visit(next);
      if (c) return c;
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const r of rules) {
    const c = visit(r.id);
    if (c) return c;
  }
  return null;
}

/** Rules in evaluation order: a rule comes after the rules it yields to. */
export function orderRules<T extends { id: string; yieldsTo: string[] }>(rules: T[]): T[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out: T[] = [];
  const seen = new Set<string>();
  const visit = (r: T) => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    for (const y of r.yieldsTo) {
      const dep = byId.get(y);
      if (dep) visit(dep);
    }
    out.push(r);
  };
  rules.forEach(visit);
  return out;
}
