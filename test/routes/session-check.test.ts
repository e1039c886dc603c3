/** assertSessionActive: the one check the authorizer (and any read-only JWT path) makes on a verified JWT. */
import { describe, expect, test } from '@jest/globals';
import { verifySessionToken } from '../../lib/auth/jwt';
import { users } from '../../lib/data/repositories';
import { InvalidSessionError } from '../../lib/errors';
import { assertSessionActive } from '../../lib/services/sessionService';
import { setUserPassword } from '../../lib/services/userService';
import { givenUser, useTestTables } from '../helpers/db';
import { loggedIn, logout } from './session-helpers';

useTestTables();

describe('assertSessionActive', () => {
  test('answers the profile, without the hash, while the session is alive', async () => {
    const user = await givenUser();
    const claims = await verifySessionToken((await loggedIn(user)).Token);

    const profile = await assertSessionActive(claims);

    expect(profile).toMatchObject({ id: user.id, username: user.username, email: user.email, passwordExpiration: user.passwordExpiration });
    expect(profile).not.toHaveProperty('passwordHash');
  });

  test.each([
    ['after logout', async (token: string) => void (await logout(token))],
    ['after logout everywhere', async (token: string) => void (await logout(token, { all: true }))],
  ])('throws InvalidSessionError %s', async (_case, end) => {
    const user = await givenUser();
    const { Token } = await loggedIn(user);
    const claims = await verifySessionToken(Token);

    await end(Token);

    await expect(assertSessionActive(claims)).rejects.toBeInstanceOf(InvalidSessionError);
  });

  test('throws InvalidSessionError after a password change and after deletion', async () => {
    const [changer, leaver] = [await givenUser(), await givenUser()];
    const [changed, left] = [await verifySessionToken((await loggedIn(changer)).Token), await verifySessionToken((await loggedIn(leaver)).Token)];

    await setUserPassword(users, changer.username, 'A-Completely-New-Passphrase-2');
    await users.delete(leaver.username);

    await expect(assertSessionActive(changed)).rejects.toBeInstanceOf(InvalidSessionError);
    await expect(assertSessionActive(left)).rejects.toBeInstanceOf(InvalidSessionError);
  });
});
