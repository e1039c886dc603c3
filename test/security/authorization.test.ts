/**
 * Object-level authorization on the auth-header routes: a user sees and removes only their own
 * headers; someone else's token is "not found", exactly like one that never existed.
 */
import { describe, expect, it } from '@jest/globals';
import { users } from '../../lib/data/repositories';
import { givenUser, useTestTables } from '../helpers/db';
import { addHeader, callRoute, deleteHeader, INVALID_SESSION_BODY, jwtRoutes, listHeaders, loginAs } from './support';

useTestTables();

type Header = { id: string; name: string; token: string; created: string };

async function twoUsersWithHeaders() {
  const [alice, bob] = [await givenUser(), await givenUser()];
  const [aliceToken, bobToken] = [await loginAs(alice), await loginAs(bob)];
  const aliceHeader = (await addHeader(aliceToken, 'alice-prod')).body as Header;
  const bobHeader = (await addHeader(bobToken, 'bob-prod')).body as Header;
  return { alice, bob, aliceToken, bobToken, aliceHeader, bobHeader };
}

describe('object-level authorization', () => {
  it('lists only the caller\'s own headers', async () => {
    // Prepare
    const { aliceToken, bobToken, aliceHeader, bobHeader } = await twoUsersWithHeaders();

    // Act
    const [aliceList, bobList] = [await listHeaders(aliceToken), await listHeaders(bobToken)];

    // Assess
    expect(aliceList.body).toEqual([aliceHeader]);
    expect(bobList.body).toEqual([bobHeader]);
    expect(bobList.rawBody).not.toContain(aliceHeader.token);
  });

  it('answers 404 when B deletes A\'s token, and A\'s header is still there', async () => {
    // Prepare
    const { aliceToken, bobToken, aliceHeader } = await twoUsersWithHeaders();

    // Act
    const response = await deleteHeader(bobToken, aliceHeader.token);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ message: 'Auth header not found' });
    expect((await listHeaders(aliceToken)).body).toEqual([aliceHeader]);
  });

  it('answers the same 404 for another user\'s token as for one that never existed', async () => {
    // Prepare
    const { bobToken, aliceHeader } = await twoUsersWithHeaders();
    const neverIssued = `ahk_${'Z'.repeat(43)}`;

    // Act
    const [othersToken, missingToken] = [await deleteHeader(bobToken, aliceHeader.token), await deleteHeader(bobToken, neverIssued)];

    // Assess
    expect(othersToken.statusCode).toBe(404);
    expect(othersToken.rawBody).toBe(missingToken.rawBody);
  });

  it('does not accept an auth header\'s id in place of its token', async () => {
    const { aliceToken, aliceHeader } = await twoUsersWithHeaders();

    const response = await deleteHeader(aliceToken, aliceHeader.id);

    expect(response.statusCode).toBe(404);
    expect((await listHeaders(aliceToken)).body).toEqual([aliceHeader]);
  });

  it('lets the owner delete their own header', async () => {
    const { aliceToken, aliceHeader } = await twoUsersWithHeaders();

    const response = await deleteHeader(aliceToken, aliceHeader.token);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ message: 'Success' });
    expect((await listHeaders(aliceToken)).body).toEqual([]);
  });
});

describe.each(jwtRoutes)('$route shared security cases', (route) => {
  it.each([
    ['no Authorization header', {}],
    ['an empty Authorization header', { headers: { Authorization: '' } }],
    ['"Bearer" with no token', { headers: { Authorization: 'Bearer ' } }],
    ['a random string', { headers: { Authorization: 'Bearer not-a-jwt' } }],
    ['three random segments', { headers: { Authorization: 'Bearer aaa.bbb.ccc' } }],
  ])('answers the generic 401 for %s', async (_case, options) => {
    const response = await callRoute(route, { body: route.body, ...options });

    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual(INVALID_SESSION_BODY);
  });

  it('answers the generic 401 for a deleted user\'s still-unexpired token', async () => {
    // Prepare
    const user = await givenUser();
    const token = await loginAs(user);
    await users.delete(user.username);

    // Act
    const response = await callRoute(route, { body: route.body, token });

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual(INVALID_SESSION_BODY);
  });
});
