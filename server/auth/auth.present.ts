// What the console learns about the signed-in user: `/auth/me` and the
// answer to a completed login.
import type { Me } from '../wire/auth.ts';
import { permissionsOf } from './permissions.ts';
import type { SessionContext } from './sessions.service.ts';

export function presentMe(context: SessionContext): Me {
  return {
    user: { id: context.user.id, email: context.user.email, name: context.user.name, locale: context.user.locale },
    roles: context.roles,
    permissions: [...permissionsOf(context.roles)].sort(),
    session: { id: context.session.id, expiresAt: context.session.expiresAt },
  };
}
