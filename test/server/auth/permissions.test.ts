// Deny by default, checked on every route declared through secureRouter:
// anonymous → 401; a role without the route's permission → 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, ROLES } from '../../../server/auth/permissions.ts';
import { declaredRoutes } from '../../../server/http/auth.ts';
import { createTestApp, type TestApp } from '../../support/app.ts';

const concrete = (path: string) => `/api/v1${path.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000')}`;

describe('every /api route names its permission and enforces it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('declares routes (this test sees the app’s routers)', () => {
    const paths = declaredRoutes().map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'get /auth/me',
        'get /users',
        'post /users',
        'put /users/:id/roles',
        'post /auth/password',
      ]),
    );
  });

  it('answers 401 to anonymous requests on every route', async () => {
    for (const route of declaredRoutes()) {
      const res = await t.http[route.method](concrete(route.path)).send({});
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
  });

  it('answers 403 to each role on the routes whose permission it lacks', async () => {
    for (const role of ROLES) {
      const { http } = await t.as(role);
      for (const route of declaredRoutes().filter((r) => !can([role], r.permission))) {
        const res = await http[route.method](concrete(route.path)).send({});
        expect(res.status, `${role} ${route.method} ${route.path}`).toBe(403);
        expect(res.body.error.code).toBe('auth.forbidden');
      }
    }
  });
});
