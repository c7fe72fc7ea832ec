import type { MessageKey } from '../../i18n/catalog.ts';

/** A URL parameter shown as an active-filter chip. */
export interface FilterDef {
  param: string;
  label: MessageKey;
  /** The value as the user should read it (a name for an id, a formatted date). */
  format?: (value: string) => string;
}
