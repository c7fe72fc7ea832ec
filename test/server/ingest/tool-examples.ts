// Tool alerts shaped as the tools write them (Wazuh alerts.json, Suricata eve.json).
export const wazuhAlert = {
  timestamp: '2026-11-28T14:26:16.123+0100',
  rule: {
    level: 10,
    description: 'sshd: brute force trying to get access to the system. Non existent user.',
    id: '5712',
    mitre: { id: ['T1110'], tactic: ['Credential Access'], technique: ['Brute Force'] },
    frequency: 8,
    firedtimes: 1,
    mail: false,
    groups: ['syslog', 'sshd', 'authentication_failures'],
  },
  agent: { id: '001', name: 'srv-dxcare-01', ip: '10.1.0.12' },
  manager: { name: 'wazuh-manager' },
  id: '1764336376.123456',
  full_log: 'Nov 28 14:26:16 srv-dxcare-01 sshd[2781]: Invalid user admin from 203.0.113.7 port 51422 ssh2',
  decoder: { parent: 'sshd', name: 'sshd' },
  data: { srcip: '203.0.113.7', srcuser: 'admin' },
  location: '/var/log/auth.log',
};

/** The body of Wazuh's bundled Shuffle integration: the alert under `all_fields`. */
export const wazuhShuffle = {
  severity: 2,
  pretext: 'WAZUH Alert',
  title: wazuhAlert.rule.description,
  text: wazuhAlert.full_log,
  rule_id: wazuhAlert.rule.id,
  timestamp: wazuhAlert.timestamp,
  id: wazuhAlert.id,
  all_fields: wazuhAlert,
};

export const suricataAlert = {
  timestamp: '2026-11-28T14:26:16.123456+0100',
  flow_id: 1805461738637437,
  in_iface: 'eth0',
  event_type: 'alert',
  src_ip: '10.1.4.23',
  src_port: 49732,
  dest_ip: '198.51.100.9',
  dest_port: 443,
  proto: 'TCP',
  app_proto: 'tls',
  alert: {
    action: 'allowed',
    gid: 1,
    signature_id: 2027865,
    rev: 3,
    signature: 'ET MALWARE Observed Cobalt Strike User-Agent',
    category: 'A Network Trojan was detected',
    severity: 1,
  },
};

export const suricataFlow = {
  timestamp: '2026-11-28T14:26:17.000000+0100',
  flow_id: 1805461738637437,
  event_type: 'flow',
  src_ip: '10.1.4.23',
  dest_ip: '198.51.100.9',
  proto: 'TCP',
};

export const genericAlert = {
  time: '2026-11-28T14:30:00+01:00',
  tool: 'ClamAV',
  rule: 'Win.Trojan.Agent-1234',
  severity: 'high',
  title: 'Malware found in a download',
  description: 'Quarantined C:\\Users\\jdoe\\Downloads\\facture.exe',
  host: 'WS-CARDIO-12',
  user: 'u1234',
  raw: { engine: '1.4.1' },
};
