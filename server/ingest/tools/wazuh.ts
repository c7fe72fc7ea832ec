// Wazuh alerts: the alert JSON as Wazuh's integrator writes it (posted
// verbatim by docs/custom-vigie), or wrapped in `all_fields` by the Shuffle
// integration script bundled with Wazuh.
import { z } from 'zod';
import type { Severity } from '../../alerts/alerts.tables.ts';
import { wazuhExplanation } from '../../alerts/explanations.ts';
import type { FutureLimit } from '../pipeline/iso-time.ts';
import {
  clip,
  fingerprint,
  withoutNul,
  toolTime,
  TOOL_FOLD_WINDOW_MS,
  zodReason,
  type ToolAlertResult,
} from './tool-alert.ts';

const WazuhAlert = z.looseObject({
  timestamp: z.string(),
  id: z.string().optional(),
  rule: z.looseObject({
    id: z.union([z.string().min(1), z.number()]),
    level: z.number().int().min(0).max(16),
    description: z.string().min(1),
    groups: z.array(z.string()).optional(),
    mitre: z
      .looseObject({
        id: z.array(z.string()).optional(),
        tactic: z.array(z.string()).optional(),
        technique: z.array(z.string()).optional(),
      })
      .optional(),
  }),
  agent: z
    .looseObject({ id: z.string().optional(), name: z.string().optional(), ip: z.string().optional() })
    .optional(),
  manager: z.looseObject({ name: z.string().optional() }).optional(),
  location: z.string().optional(),
  data: z
    .looseObject({ srcip: z.string().optional(), dstuser: z.string().optional(), srcuser: z.string().optional() })
    .optional(),
});

/** OSSEC levels: 3 success, 5 user error, 10 repeated errors, 12 high importance, 13+ unusual/attack (a product choice, in docs/ingest.md). */
export function wazuhSeverity(level: number): Severity {
  if (level >= 13) return 'critical';
  if (level >= 10) return 'high';
  if (level >= 5) return 'medium';
  return 'low';
}

/** True when the value looks like a Wazuh alert (for syslog lines that carry one). */
export function looksLikeWazuh(value: unknown): boolean {
  const v = value as { rule?: { level?: unknown; id?: unknown }; all_fields?: unknown } | null;
  return (
    !!v &&
    typeof v === 'object' &&
    (typeof v.all_fields === 'object' ||
      (typeof v.rule === 'object' && v.rule !== null && typeof v.rule.level === 'number' && v.rule.id !== undefined))
  );
}

export function mapWazuhAlert(input: unknown, limit?: FutureLimit): ToolAlertResult {
  const value = withoutNul(input);
  const wrapped =
    value !== null && typeof value === 'object' && 'all_fields' in value
      ? (value as { all_fields: unknown }).all_fields
      : value;
  const parsed = WazuhAlert.safeParse(wrapped);
  if (!parsed.success) return zodReason(parsed.error);
  const a = parsed.data;
  const seenAt = toolTime(a.timestamp, 'timestamp', limit);
  if (typeof seenAt === 'string') return seenAt;
  const account = a.data?.dstuser ?? a.data?.srcuser;
  const user = account ? clip(account, 128) : null;
  const agent = a.agent?.name ?? a.agent?.ip ?? null;
  const host = agent && a.agent?.ip && a.agent.ip !== agent ? `${agent} (${a.agent.ip})` : agent;
  const from = a.data?.srcip;
  const ruleId = String(a.rule.id);
  return {
    origin: 'wazuh',
    rule: `wazuh:${ruleId}`,
    severity: wazuhSeverity(a.rule.level),
    title: clip(a.rule.description, 200),
    explanation: wazuhExplanation({
      ruleId,
      level: a.rule.level,
      description: a.rule.description,
      agent: host,
      from: from || null,
      account: user,
    }),
    fingerprint: fingerprint('wazuh', ruleId, a.agent?.id ?? agent, from, user),
    windowMs: TOOL_FOLD_WINDOW_MS,
    seenAt,
    userId: user,
    patientId: null,
    host: host ? clip(host, 256) : null,
    details: { tool: 'wazuh', level: a.rule.level, ...(a.rule.mitre ? { mitre: a.rule.mitre } : {}), raw: wrapped },
  };
}
