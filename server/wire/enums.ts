// The enumerations that cross the wire: the server validates and stores them,
// the client offers and labels them. One list each; the server's tables and
// schemas take them from here.

/** Alert severities, lowest first. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Who raised an alert: detection rules, a security tool, or a staff report. */
export const ALERT_ORIGINS = ['detection', 'generic', 'wazuh', 'suricata', 'syslog', 'report'] as const;
export type AlertOrigin = (typeof ALERT_ORIGINS)[number];

/** Triage statuses; the triage issue adds the transitions. */
export const ALERT_STATUSES = ['new', 'acknowledged', 'dismissed', 'escalated', 'attached'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What a staff member did in the EHR (or a login), as sources report it. */
export const ACCESS_ACTIONS = [
  'login',
  'logout',
  'login_failed',
  'read',
  'create',
  'update',
  'delete',
  'print',
  'export',
  'break_glass',
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

export const ACCESS_OUTCOMES = ['success', 'failure'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

/** The kinds of system that send logs or alerts. */
export const SOURCE_KINDS = ['ehr', 'fhir', 'syslog', 'alerts'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** A staff report's categories (close to how hospitals name what happens to them), in the order the form offers them. */
export const REPORT_CATEGORIES = [
  'illegitimate_access',
  'lost_device',
  'phishing',
  'misdirected_data',
  'malware',
  'other',
] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export const ROLES = ['reporter', 'analyst', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every /api route names one of these; server/auth/permissions.ts maps roles to them. */
export const PERMISSIONS = [
  'account:self', // own profile, password, sessions
  'reports:create', // report an incident in plain words
  'alerts:read',
  'alerts:triage',
  'incidents:read',
  'incidents:manage',
  'notifications:read',
  'notifications:approve',
  'events:read', // access-log explorer
  'patients:reveal', // unmask a patient identifier, with a reason
  'directory:read',
  'directory:manage',
  'rules:read',
  'rules:manage',
  'sources:manage',
  'users:manage',
  'audit:read', // the audit log: analysts see what concerns incidents (server/audit/audit-scope.ts)
  'audit:read-all', // every audit entry (admins)
  'audit:verify',
  'settings:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Account states. */
export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** The languages of the console. */
export const LOCALES = ['fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
