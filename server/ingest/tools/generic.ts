// The generic alert format, for tools without a mapper of their own
// (antivirus, firewall, EDR scripts). Documented in docs/ingest.md.
import { z } from 'zod';
import { SEVERITIES } from '../../alerts/alerts.tables.ts';
import { genericExplanation } from '../../alerts/explanations.ts';
import { isoWithOffset, NUL_MESSAGE } from '../pipeline/access-event.schemas.ts';
import { futureProblem, parseIsoTime, type FutureLimit } from '../pipeline/iso-time.ts';
import { fingerprint, TOOL_FOLD_WINDOW_MS, zodReason, type ToolAlertResult } from './tool-alert.ts';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\u0000'), NUL_MESSAGE);

export const GenericAlert = z.strictObject({
  time: isoWithOffset,
  /** The tool that raised it: "ClamAV", "FortiGate"… */
  tool: text(64),
  /** The tool's rule or signature id. */
  rule: text(128),
  severity: z.enum(SEVERITIES),
  title: text(200),
  description: text(2000).nullish(),
  host: text(256).nullish(),
  user: text(128).nullish(),
  patient: text(128).nullish(),
  /** The tool's own payload, kept as is. */
  raw: z.unknown().optional(),
});
export type GenericAlert = z.input<typeof GenericAlert>;

export function mapGenericAlert(
  value: unknown,
  origin: 'generic' | 'syslog' = 'generic',
  limit?: FutureLimit,
): ToolAlertResult {
  const parsed = GenericAlert.safeParse(value);
  if (!parsed.success) return zodReason(parsed.error);
  const a = parsed.data;
  const seenAt = parseIsoTime(a.time) as number;
  const future = futureProblem(seenAt, limit);
  if (future) return `time: ${future}`;
  return {
    origin,
    rule: `${a.tool}:${a.rule}`,
    severity: a.severity,
    title: a.title,
    explanation: genericExplanation({
      tool: a.tool,
      title: a.title,
      host: a.host ?? null,
      description: a.description ?? null,
    }),
    fingerprint: fingerprint('generic', a.tool, a.rule, a.host, a.user),
    windowMs: TOOL_FOLD_WINDOW_MS,
    seenAt,
    userId: a.user ?? null,
    patientId: a.patient ?? null,
    host: a.host ?? null,
    details: {
      tool: a.tool,
      ...(a.description ? { description: a.description } : {}),
      ...(a.raw !== undefined ? { raw: a.raw } : {}),
    },
  };
}
