// Suricata EVE JSON `alert` records (one object, or one per line).
import { z } from 'zod';
import type { Severity } from '../../alerts/alerts.tables.ts';
import { suricataExplanation } from '../../alerts/explanations.ts';
import type { FutureLimit } from '../pipeline/iso-time.ts';
import {
  clip,
  fingerprint,
  withoutNul,
  toolTime,
  Skip,
  TOOL_FOLD_WINDOW_MS,
  zodReason,
  type ToolAlertResult,
} from './tool-alert.ts';

const EveAlert = z.looseObject({
  timestamp: z.string(),
  event_type: z.string(),
  flow_id: z.number().optional(),
  in_iface: z.string().optional(),
  src_ip: z.string().optional(),
  src_port: z.number().optional(),
  dest_ip: z.string().optional(),
  dest_port: z.number().optional(),
  proto: z.string().optional(),
  app_proto: z.string().optional(),
  alert: z.looseObject({
    action: z.string().optional(),
    gid: z.number().optional(),
    signature_id: z.number(),
    rev: z.number().optional(),
    signature: z.string().min(1),
    category: z.string().optional(),
    severity: z.number().int().min(1).max(255),
  }),
});

/** Suricata's severity is the rule priority, 1 = highest: 1 high, 2 medium, 3 and beyond low. */
export function suricataSeverity(priority: number): Severity {
  if (priority <= 1) return 'high';
  if (priority === 2) return 'medium';
  return 'low';
}

export function looksLikeSuricata(value: unknown): boolean {
  const v = value as { event_type?: unknown; alert?: unknown } | null;
  return !!v && typeof v === 'object' && typeof v.event_type === 'string' && typeof v.alert === 'object';
}

function endpoint(ip?: string, port?: number): string {
  if (!ip) return '?';
  return port === undefined ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function mapSuricataAlert(input: unknown, limit?: FutureLimit): ToolAlertResult {
  const type = (input as { event_type?: unknown } | null)?.event_type;
  // eve.json mixes flow, dns, http, stats… with the alerts: skipped by design, not refused.
  if (typeof type === 'string' && type !== 'alert') return new Skip(`event_type "${clip(type, 32)}" is not an alert`);
  const value = withoutNul(input);
  const parsed = EveAlert.safeParse(value);
  if (!parsed.success) return zodReason(parsed.error);
  const e = parsed.data;
  const seenAt = toolTime(e.timestamp, 'timestamp', limit);
  if (typeof seenAt === 'string') return seenAt;
  const gid = e.alert.gid ?? 1;
  const src = endpoint(e.src_ip, e.src_port);
  const dest = endpoint(e.dest_ip, e.dest_port);
  return {
    origin: 'suricata',
    rule: `suricata:${gid}:${e.alert.signature_id}`,
    severity: suricataSeverity(e.alert.severity),
    title: clip(e.alert.signature, 200),
    explanation: suricataExplanation({
      signature: e.alert.signature,
      category: e.alert.category || null,
      source: src,
      destination: dest,
      proto: e.proto || null,
      appProto: e.app_proto || null,
      blocked: e.alert.action === 'blocked',
    }),
    fingerprint: fingerprint('suricata', gid, e.alert.signature_id, e.src_ip, e.dest_ip),
    windowMs: TOOL_FOLD_WINDOW_MS,
    seenAt,
    userId: null,
    patientId: null,
    host: e.src_ip || e.dest_ip ? clip(`${e.src_ip ?? '?'} → ${e.dest_ip ?? '?'}`, 256) : null,
    details: {
      tool: 'suricata',
      priority: e.alert.severity,
      ...(e.flow_id !== undefined ? { flowId: e.flow_id } : {}),
      raw: value,
    },
  };
}
