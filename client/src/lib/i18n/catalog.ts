// Every domain's messages, merged. Add a domain: create messages/<domain>.ts
// exporting `fr` and `en`, then spread it below.
import * as alerts from './messages/alerts.ts';
import * as audit from './messages/audit.ts';
import * as auth from './messages/auth.ts';
import * as directory from './messages/directory.ts';
import * as ingest from './messages/ingest.ts';
import * as reports from './messages/reports.ts';
import * as rules from './messages/rules.ts';
import * as shell from './messages/shell.ts';
import * as ui from './messages/ui.ts';

export const catalogs = {
  fr: {
    ...shell.fr,
    ...ui.fr,
    ...auth.fr,
    ...audit.fr,
    ...ingest.fr,
    ...alerts.fr,
    ...directory.fr,
    ...rules.fr,
    ...reports.fr,
  },
  en: {
    ...shell.en,
    ...ui.en,
    ...auth.en,
    ...audit.en,
    ...ingest.en,
    ...alerts.en,
    ...directory.en,
    ...rules.en,
    ...reports.en,
  },
};

export type MessageKey = keyof typeof catalogs.fr;
export type Locale = keyof typeof catalogs;
export const LOCALES: readonly Locale[] = ['fr', 'en'];
