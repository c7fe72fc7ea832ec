// The client's screens: path, component, the permission it needs, and its
// place in the navigation. Screens are loaded on demand.
import type { Component } from 'svelte';
import type { MessageKey } from './lib/i18n/catalog.ts';

export interface RouteDef {
  path: string;
  load: () => Promise<{ default: Component<any> }>;
  /** Needs this permission (from GET /auth/me); hidden from the navigation otherwise. */
  permission?: string;
  /** In the main navigation, with this label. */
  nav?: MessageKey;
  /** Shown without a session (login, enrolment). */
  public?: boolean;
}

export const routes: RouteDef[] = [
  {
    path: '/alerts',
    nav: 'nav.alerts',
    permission: 'alerts:read',
    load: () => import('./screens/alerts/AlertsScreen.svelte'),
  },
  {
    path: '/incidents',
    nav: 'nav.incidents',
    permission: 'incidents:read',
    load: () => import('./screens/incidents/IncidentsScreen.svelte'),
  },
  {
    path: '/notifications',
    nav: 'nav.notifications',
    permission: 'notifications:read',
    load: () => import('./screens/notifications/NotificationsScreen.svelte'),
  },
  {
    path: '/access-log',
    nav: 'nav.accessLog',
    permission: 'events:read',
    load: () => import('./screens/access-log/AccessLogScreen.svelte'),
  },
  {
    path: '/audit',
    nav: 'nav.audit',
    permission: 'audit:read',
    load: () => import('./screens/audit/AuditScreen.svelte'),
  },
  {
    path: '/admin',
    nav: 'nav.admin',
    permission: 'settings:manage',
    load: () => import('./screens/admin/AdminScreen.svelte'),
  },
  { path: '/admin/:section', permission: 'settings:manage', load: () => import('./screens/admin/AdminScreen.svelte') },
  {
    path: '/report',
    nav: 'nav.report',
    permission: 'reports:create',
    load: () => import('./screens/report/ReportScreen.svelte'),
  },
  { path: '/account', permission: 'account:self', load: () => import('./screens/account/AccountScreen.svelte') },
  { path: '/login', public: true, load: () => import('./screens/login/LoginScreen.svelte') },
  { path: '/enrol/:token', public: true, load: () => import('./screens/enrol/EnrolScreen.svelte') },
];
