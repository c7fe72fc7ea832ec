// Whole numbers in paths and query strings (ids, cursors, epoch times). They
// are bigint in PostgreSQL and numbers in JavaScript: bounded here to the safe
// integers (2^53 − 1, below bigint's limit), so an oversized value is a 400
// naming its field, never a database error answered 500.
import { z } from 'zod';

export const MAX_WHOLE = Number.MAX_SAFE_INTEGER;

/** Whether a string of digits is a whole number from min to max. */
export const isWhole = (digits: string, min = 0, max = MAX_WHOLE): boolean => {
  if (!/^\d{1,16}$/.test(digits)) return false;
  const n = Number(digits);
  return n >= min && n <= max;
};

/** Decimal digits naming a whole number from min (default 0) to max (default 2^53 − 1), kept as text (a cursor). */
export function wholeDigits(what: string, bounds: { min?: number; max?: number } = {}) {
  const { min = 0, max = MAX_WHOLE } = bounds;
  return z
    .string({ error: what })
    .trim()
    .refine((s) => isWhole(s, min, max), `${what} (a whole number from ${min} to ${max})`);
}

/** Decimal digits → a number from min (default 0) to max (default 2^53 − 1). */
export function wholeNumber(what: string, bounds: { min?: number; max?: number } = {}) {
  return wholeDigits(what, bounds).transform(Number);
}
