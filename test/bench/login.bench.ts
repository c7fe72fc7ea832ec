// The cost of logging in: argon2id at Vigie's parameters, the password policy
// check, and the full two-step login over HTTP (known vs unknown email, to see
// that both take about the same time).
import { checkNewPassword } from '../../server/auth/password-policy.ts';
import { createPasswordHasher } from '../../server/auth/password.ts';
import { createTestApp } from '../support/app.ts';
import { inviteAndEnrol, login, nextStep } from '../support/auth-flow.ts';
import { percentile, printTable } from './table.ts';

async function timed(n: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    out.push(performance.now() - start);
  }
  return out.sort((a, b) => a - b);
}

const row = (what: string, ms: number[]) => ({
  what,
  n: ms.length,
  'p50 ms': percentile(ms, 50),
  'p95 ms': percentile(ms, 95),
  'max ms': ms.at(-1)!,
});

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 20);
  const hasher = createPasswordHasher();
  const hash = await hasher.hash('Lanterne-Verger-Horizon-47');
  checkNewPassword('warm-up-the-dictionaries-1');
  const t = await createTestApp();
  const user = await inviteAndEnrol(t);
  // Each failure starts from a clean slate, or the lock would answer before argon2 runs.
  const failOnce = async (email: string) => {
    await t.store.db.deleteFrom('login_throttle').execute();
    await t.http.post('/api/v1/auth/login').send({ email, password: 'wrong-password-x' });
  };
  const rows = [
    row('argon2id hash (19 MiB, t=2, p=1)', await timed(n, () => hasher.hash('Lanterne-Verger-Horizon-47'))),
    row('argon2id verify', await timed(n, () => hasher.verify(hash, 'Lanterne-Verger-Horizon-47'))),
    row('password policy (zxcvbn-ts, FR+EN)', await timed(n, () => checkNewPassword('Brume-Matinale-Sur-Le-Port-9'))),
    row('POST /auth/login, known email, wrong password', await timed(n, () => failOnce(user.email))),
    row('POST /auth/login, unknown email', await timed(n, () => failOnce('nobody@clinique.test'))),
  ];
  rows.push(
    row(
      'full login (password + TOTP), SQLite',
      await timed(Math.min(n, 10), async () => {
        nextStep(t);
        await login(t, user.email, user.password, user.app.codeAt(t.clock.now()));
      }),
    ),
  );
  printTable(rows);
  await t.close();
}
