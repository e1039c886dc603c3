/** POST /user/logout cannot end anyone else's session: the session it ends is the one its own JWT names. */
import { describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { givenUser, useTestTables } from '../helpers/db';
import { signWithServerKey, validClaims } from '../helpers/jwt';
import { listHeaders, loggedIn, logout } from './session-helpers';

useTestTables();

describe('POST /user/logout', () => {
  test("refuses a (validly signed) JWT naming another user's session, and ends nothing", async () => {
    const victim = await loggedIn(await givenUser());
    const attackerUser = await givenUser();
    const attacker = await loggedIn(attackerUser);
    const forged = await signWithServerKey(validClaims(attackerUser.id, attackerUser.username, { sid: decodeJwt(victim.Token).sid }));

    const response = await logout(forged, { all: true });

    expect(response.statusCode).toBe(401);
    expect((await listHeaders(victim.Token)).statusCode).toBe(200);
    expect((await listHeaders(attacker.Token)).statusCode).toBe(200);
  });
});
