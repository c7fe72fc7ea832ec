import type { z } from 'zod';
import { Invalid } from '../errors.ts';

/** Parses input with a zod schema, or throws Invalid naming every bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  throw new Invalid(
    'invalid_input',
    `Invalid ${what}: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'bad value'}`,
    { issues },
  );
}
