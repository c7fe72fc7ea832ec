// Administration of accounts (permission users:manage). Ending sessions and
// changing roles reach the live sockets once committed (the services see to it).
import { actorOf, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import { InviteBody, RolesBody, UserIdParams } from './auth.schemas.ts';
import type { UsersService } from './users.service.ts';

export function usersRoutes({ userAdmin: users }: { userAdmin: UsersService }) {
  const r = secureRouter();
  const id = (params: unknown) => parse(UserIdParams, params, 'user id').id;

  r.get('/users', 'users:manage', async (_req, res) => {
    res.json({ items: await users.list() });
  });
  r.get('/users/:id', 'users:manage', async (req, res) => {
    res.json(await users.get(id(req.params)));
  });
  r.post('/users', 'users:manage', async (req, res) => {
    const input = parse(InviteBody, req.body, 'user');
    const created = await users.invite(actorOf(req), input);
    res
      .status(201)
      .json({ user: await users.get(created.id), enrolmentUrl: created.link.url, expiresAt: created.link.expiresAt });
  });
  r.post('/users/:id/invite', 'users:manage', async (req, res) => {
    const link = await users.renewInvite(actorOf(req), id(req.params));
    res.json({ user: await users.get(id(req.params)), enrolmentUrl: link.url, expiresAt: link.expiresAt });
  });
  r.put('/users/:id/roles', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    const { roles } = parse(RolesBody, req.body, 'roles');
    await users.setRoles(actorOf(req), userId, roles);
    res.json(await users.get(userId));
  });
  r.post('/users/:id/disable', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    await users.disable(actorOf(req), userId);
    res.json(await users.get(userId));
  });
  r.post('/users/:id/enable', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    await users.enable(actorOf(req), userId);
    res.json(await users.get(userId));
  });
  r.post('/users/:id/reset-mfa', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    const { link } = await users.resetMfa(actorOf(req), userId);
    res.json({ user: await users.get(userId), enrolmentUrl: link.url, expiresAt: link.expiresAt });
  });
  r.post('/users/:id/revoke-sessions', 'users:manage', async (req, res) => {
    const { endedSessionIds } = await users.revokeSessions(actorOf(req), id(req.params));
    res.json({ revoked: endedSessionIds.length });
  });
  r.post('/users/:id/unlock', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    await users.unlock(actorOf(req), userId);
    res.json(await users.get(userId));
  });
  return r.router;
}
