// Runs the rules over events in id order. Each event is looked at by every
// enabled rule (a rule that yields to another stays quiet when that one fired
// on the same event), then the state learns from it. Pure and synchronous:
// the same events in the same order give the same hits and the same state.
import { createHash } from 'node:crypto';
import type { Explanation } from '../alerts/explanations.ts';
import type { DirectoryIndex } from '../directory/directory-index.ts';
import type { DetectionEventRow } from '../ingest/access-events.repo.ts';
import { parisDayNumber } from '../paris-time.ts';
import { maskPatientId } from '../privacy.ts';
import { EvalContext } from './context.ts';
import { ruleExplanation, type CountFacts } from './explain.ts';
import { formatDuration, orderRules, type CompiledRule } from './rule-loader.ts';
import { DetectorState, percentileOf } from './state.ts';

export interface Hit {
  rule: CompiledRule;
  eventId: number;
  at: number;
  fingerprint: string;
  evidence: number[];
  /** The rule's key and the facts its template is filled with when the alert is read. */
  explanation: Explanation;
  userId: string | null;
  patientId: string | null;
  host: string | null;
  details: Record<string, unknown>;
}

const BASELINE_PERCENTILE = 90;

export class Engine {
  readonly rules: CompiledRule[];
  readonly #windows: Map<string, number>;
  readonly #breakGlassKeepMs: number;

  constructor(
    rules: CompiledRule[],
    public directory: DirectoryIndex,
    public state: DetectorState = new DetectorState(),
  ) {
    this.rules = orderRules(rules);
    this.#windows = new Map(rules.map((r) => [r.id, r.windowMs]));
    this.#breakGlassKeepMs = Math.max(86_400_000, ...rules.map((r) => r.careWindowMs));
  }

  /** Evaluates the events; with `quiet` (a replay after a restart) only the state learns, nothing is returned. */
  process(events: readonly DetectionEventRow[], quiet = false): Hit[] {
    const hits: Hit[] = [];
    for (const ev of events) this.#one(ev, quiet, hits);
    return hits;
  }

  readonly #fired = new Set<string>();

  #context: EvalContext | undefined;

  #one(ev: DetectionEventRow, quiet: boolean, hits: Hit[]) {
    if (this.#context?.dir !== this.directory || this.#context.state !== this.state)
      this.#context = new EvalContext(this.directory, this.state);
    const c = this.#context.reset(ev);
    const fired = this.#fired;
    fired.clear();
    const day = parisDayNumber(ev.occurredAt);
    for (const rule of this.rules) {
      if (!rule.enabled || (rule.actions !== null && !rule.actions.has(ev.action)) || !rule.when(c)) continue;
      let evidence: number[] = [ev.id];
      const extra: Record<string, string | number> = {};
      if (rule.count) {
        const key =
          rule.count.per === 'user' ? ev.userId : rule.count.per === 'workstation' ? ev.workstation : ev.address;
        if (!key) continue;
        const item =
          rule.count.what === 'events'
            ? String(ev.id)
            : rule.count.what === 'distinct_patients'
              ? ev.patientId
              : (ev.userId ?? `#${ev.id}`);
        if (!item) continue;
        const w = this.state.window(rule.id, key);
        w.add(ev.occurredAt, ev.id, item, rule.windowMs);
        const value = rule.count.what === 'events' ? w.size : w.distinct();
        w.recordPeak(day, value);
        if (value < rule.threshold!) continue;
        const b = rule.count.baseline;
        if (b && rule.count.per === 'user') {
          const own = w.peaksBefore(day);
          const userBase = own.length >= b.minDays ? percentileOf(own, BASELINE_PERCENTILE) : null;
          const deptBase = this.#departmentBaseline(rule, ev.userId!, day);
          if (userBase !== null && value < b.userFactor * userBase) continue;
          if (deptBase !== null && value < b.departmentFactor * deptBase) continue;
          extra.baseline = userBase ?? '—';
          extra.departmentBaseline = deptBase ?? '—';
        }
        if (rule.yieldsTo.some((y) => fired.has(y))) continue;
        // The first alert of an episode carries every event of the window; repeats carry their own.
        if (w.lastFired === null || ev.occurredAt - w.lastFired > rule.windowMs) evidence = w.eventIds();
        w.lastFired = ev.occurredAt;
        Object.assign(extra, { count: value, threshold: rule.threshold!, window: '' });
      } else if (rule.yieldsTo.some((y) => fired.has(y))) {
        continue;
      }
      fired.add(rule.id);
      if (quiet) continue;
      if (typeof c.values.previousEventId === 'number') evidence = [c.values.previousEventId, ...evidence];
      hits.push(this.#hit(rule, c, evidence, extra, day));
    }
    const ws = ev.workstation ? this.directory.workstations.get(ev.workstation) : undefined;
    this.state.observe(
      ev,
      ws && ws.latitude !== null && ws.longitude !== null ? ws : null,
      this.#windows,
      this.#breakGlassKeepMs,
    );
  }

  /** The department's usual peak: the percentile of its other members' daily peaks. */
  #departmentBaseline(rule: CompiledRule, userId: string, day: number): number | null {
    const dk = this.directory.staff.get(userId)?.departmentKey;
    if (!dk) return null;
    const pooled: number[] = [];
    const byKey = this.state.windows.get(rule.id);
    for (const member of this.directory.departments.get(dk) ?? []) {
      if (member === userId) continue;
      const w = byKey?.get(member);
      if (w) pooled.push(...w.peaksBefore(day));
    }
    return pooled.length >= (rule.count?.baseline?.minDays ?? 1) ? percentileOf(pooled, BASELINE_PERCENTILE) : null;
  }

  #hit(
    rule: CompiledRule,
    c: EvalContext,
    evidence: number[],
    extra: Record<string, string | number>,
    day: number,
  ): Hit {
    const ev = c.ev;
    const perUser = !rule.count || rule.count.per === 'user';
    const fields: Record<string, string | null> = {
      user: ev.userId,
      patient: ev.patientId,
      workstation: ev.workstation,
      address: ev.address,
      department: c.user?.department ?? ev.department,
      day: String(day),
    };
    const fingerprint = createHash('sha256')
      .update([rule.id, ...rule.fingerprint.map((f) => `${f}=${fields[f] ?? ''}`)].join('\u0000'))
      .digest('hex')
      .slice(0, 32);
    const counted: CountFacts | undefined = rule.count
      ? {
          count: Number(extra.count),
          threshold: Number(extra.threshold),
          windowMs: rule.windowMs,
          ...('baseline' in extra
            ? {
                baseline: typeof extra.baseline === 'number' ? extra.baseline : null,
                departmentBaseline: typeof extra.departmentBaseline === 'number' ? extra.departmentBaseline : null,
              }
            : {}),
        }
      : undefined;
    const relations = c.relations();
    const care = rule.careWindowMs ? c.care(rule.careWindowMs) : null;
    const colleague = c.patient?.staffId ? this.directory.staff.get(c.patient.staffId) : undefined;
    const u = c.user;
    const { previousEventId: _omit, ...found } = c.values;
    return {
      rule,
      eventId: ev.id,
      at: ev.occurredAt,
      fingerprint,
      evidence,
      explanation: ruleExplanation(rule.id, c, counted),
      userId: perUser ? ev.userId : null,
      patientId: rule.count ? null : ev.patientId,
      host: ev.workstation,
      details: {
        user: u
          ? {
              id: u.id,
              name: u.displayName,
              department: u.department,
              profession: u.profession,
              accountType: u.accountType,
              status: u.status,
              endedAt: u.endedAt,
              lastLoginAt: u.lastLoginAt,
            }
          : ev.userId
            ? { id: ev.userId, known: false }
            : null,
        patient: c.patient
          ? {
              id: maskPatientId(c.patient.id),
              birthYear: c.patient.birthYear,
              city: c.patient.city,
              vip: c.patient.vip,
              deceasedAt: c.patient.deceasedAt,
              staff: colleague
                ? { id: colleague.id, name: colleague.displayName, department: colleague.department }
                : null,
            }
          : ev.patientId
            ? { id: maskPatientId(ev.patientId), known: false }
            : null,
        relations: Object.fromEntries(Object.entries(relations).filter(([, v]) => v)),
        care: rule.careWindowMs
          ? { windowMs: rule.careWindowMs, window: formatDuration(rule.careWindowMs), found: care }
          : null,
        event: {
          id: ev.id,
          occurredAt: ev.occurredAt,
          action: ev.action,
          outcome: ev.outcome,
          workstation: ev.workstation,
          site: ev.workstation ? (this.directory.workstations.get(ev.workstation)?.site ?? null) : null,
        },
        found: { ...found, ...extra, ...(rule.count ? { windowMs: rule.windowMs } : {}) },
        suppression: rule.suppression,
      },
    };
  }
}
