// First run: while Vigie has no user, each start prints one setup link
// (valid one hour) that creates the first administrator.
import { systemActor } from '../actor.ts';
import type { Logger } from '../log.ts';
import type { EnrolmentService } from './enrolment.service.ts';

export async function announceFirstRun(
  services: { enrolment: Pick<EnrolmentService, 'firstRunLink'>; log: Logger },
  print: (text: string) => void,
): Promise<string | null> {
  const link = await services.enrolment.firstRunLink(systemActor);
  if (!link) return null;
  const until = new Date(link.expiresAt).toISOString();
  print(
    [
      '',
      '  Vigie has no user yet. Create the first administrator with this one-time link',
      `  (valid until ${until}; restart Vigie or run \`npm run vigie -- user create\` for another):`,
      '',
      `    ${link.url}`,
      '',
    ].join('\n') + '\n',
  );
  services.log.info('first-run setup link printed on the standard output', { expiresAt: link.expiresAt });
  return link.url;
}
