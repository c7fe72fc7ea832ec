// What the ingest benchmarks send: NDJSON batches, FHIR Bundles and generic
// tool alerts made from the synthetic events, and a plain keep-alive POST.
import http from 'node:http';
import type { ValidAccessEvent } from '../../../server/ingest/pipeline/access-event-validation.ts';
import { asRecord } from './data.ts';

export function post(
  port: number,
  path: string,
  token: string,
  type: string,
  body: Buffer,
  agent: http.Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': type, 'Content-Length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A FHIR R4 AuditEvent (BALP-style REST read) for a synthetic event. */
export function auditEvent(e: ValidAccessEvent) {
  return {
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
    action: 'R',
    recorded: e.occurredAtText,
    outcome: '0',
    agent: [{ who: { identifier: { value: e.userId } }, requestor: true, network: { address: e.address, type: '2' } }],
    source: { observer: { display: e.application } },
    entity: [{ what: { reference: `Patient/${e.patientId ?? 'P0'}` }, type: { code: '1' }, role: { code: '1' } }],
  };
}

export const ndjsonBody = (rows: readonly ValidAccessEvent[]) =>
  Buffer.from(rows.map((r) => JSON.stringify(asRecord(r))).join('\n') + '\n');
export const bundleBody = (rows: readonly ValidAccessEvent[]) =>
  Buffer.from(
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'collection',
      entry: rows.map((r) => ({ resource: auditEvent(r) })),
    }),
  );

/**
 * NDJSON generic tool alerts, one per event, each a new alert: the rule and
 * host come from the event's position in the run, so no two share a fingerprint.
 */
export function toolAlertsBody(rows: readonly ValidAccessEvent[], first: number): Buffer {
  const lines = rows.map((e, i) =>
    JSON.stringify({
      time: e.occurredAtText,
      tool: 'FortiGate',
      rule: `sig-${first + i}`,
      severity: i % 5 ? 'medium' : 'high',
      title: 'Connexion sortante bloquée',
      description: `Flux de ${e.address} vers 198.51.100.${i % 250}:443 refusé`,
      host: e.workstation,
      user: e.userId,
      raw: { policy: 12, action: 'deny', srcip: e.address, seq: first + i },
    }),
  );
  return Buffer.from(lines.join('\n') + '\n');
}
