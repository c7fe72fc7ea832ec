// What a new password must be: at least 12 characters (at most 256, to bound
// the hashing work), and not a common password nor one built from common
// words, keyboard walks, sequences or the user's own name and email. zxcvbn-ts
// matches the 40 000 most common leaked passwords, French and English word
// lists and patterns; we refuse what it estimates below 10^8 guesses (score < 3).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as fr from '@zxcvbn-ts/language-fr';
import { Invalid } from '../errors.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;
const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  // Built on first use: loading the dictionaries takes about half a second.
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

/** Throws Invalid (`password.too_short`, `password.too_long`, `password.personal`, `password.common`) or returns. */
export function checkNewPassword(
  password: string,
  context: { email?: string | null; name?: string | null } = {},
): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw new Invalid('password.too_short', `The password must have at least ${MIN_PASSWORD_LENGTH} characters`, {
      field: 'password',
      min: MIN_PASSWORD_LENGTH,
    });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new Invalid('password.too_long', `The password must have at most ${MAX_PASSWORD_LENGTH} characters`, {
      field: 'password',
      max: MAX_PASSWORD_LENGTH,
    });
  }
  const personal = [context.email?.split('@')[0], ...(context.name?.split(/[\s.'-]+/) ?? [])].filter(
    (s): s is string => !!s && s.length >= 4,
  );
  const lower = password.toLowerCase();
  if (personal.some((part) => lower.includes(part.toLowerCase()))) {
    throw new Invalid('password.personal', 'The password must not contain your name or your email', {
      field: 'password',
    });
  }
  const inputs = ['vigie', context.email, ...personal].filter((s): s is string => !!s);
  const result = zxcvbn().check(password, inputs);
  if (result.score < MIN_SCORE) {
    throw new Invalid(
      'password.common',
      'This password is too common or too easy to guess: choose a longer phrase of unrelated words',
      { field: 'password' },
    );
  }
}
