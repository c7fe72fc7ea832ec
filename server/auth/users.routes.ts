// Administration of accounts (permission users:manage). Actions that end
// sessions disconnect their sockets once committed.
import { actorOf, secureRouter } from '../http/auth.ts';
import { parse } from '../http/validate.ts';
import type { Services } from '../services.ts';
import { InviteBody, RolesBody, UserIdParams } from './auth.schemas.ts';

export function usersRoutes(services: Services) {
  const r = secureRouter();
  const users = services.userAdmin;
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
    res.status(201).json({ user: await users.get(created.id), enrolmentUrl: created.link.url, expiresAt: created.link.expiresAt });
  });
  r.post('/users/:id/invite', 'users:manage', async (req, res) => {
    const link = await users.renewInvite(actorOf(req), id(req.params));
    res.json({ user: await users.get(id(req.params)), enrolmentUrl: link.url, expiresAt: link.expiresAt });
  });
  r.put('/users/:id/roles', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    const { roles } = parse(RolesBody, req.body, 'roles');
    const { changed } = await users.setRoles(actorOf(req), userId, roles);
    if (changed) services.sessions.rejoin(userId);
    res.json(await users.get(userId));
  });
  r.post('/users/:id/disable', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    const { endedSessionIds } = await users.disable(actorOf(req), userId);
    services.sessions.disconnect(endedSessionIds, 'disabled');
    res.json(await users.get(userId));
  });
  r.post('/users/:id/enable', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    await users.enable(actorOf(req), userId);
    res.json(await users.get(userId));
  });
  r.post('/users/:id/reset-mfa', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    const { link, endedSessionIds } = await users.resetMfa(actorOf(req), userId);
    services.sessions.disconnect(endedSessionIds, 'mfa_reset');
    res.json({ user: await users.get(userId), enrolmentUrl: link.url, expiresAt: link.expiresAt });
  });
  r.post('/users/:id/revoke-sessions', 'users:manage', async (req, res) => {
    const { endedSessionIds } = await users.revokeSessions(actorOf(req), id(req.params));
    services.sessions.disconnect(endedSessionIds, 'revoked');
    res.json({ revoked: endedSessionIds.length });
  });
  r.post('/users/:id/unlock', 'users:manage', async (req, res) => {
    const userId = id(req.params);
    await users.unlock(actorOf(req), userId);
    res.json(await users.get(userId));
  });
  return r.router;
}
