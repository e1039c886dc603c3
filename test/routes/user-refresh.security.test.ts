/** POST /user/refresh against forged tokens: nothing but the exact token issued works, and a forgery ends nothing. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { givenUser, useTestTables } from '../helpers/db';
import { INVALID_REFRESH_BODY, listHeaders, loggedIn, ok, refresh, type LoginBody } from './session-helpers';

useTestTables();

let victim: LoginBody;
let attacker: LoginBody;

beforeAll(async () => {
  victim = await loggedIn(await givenUser());
  attacker = await loggedIn(await givenUser());
});

const parts = (token: string) => token.slice(3).split('.') as [string, string, string];
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const flip = (text: string) => text.slice(0, -1) + (text.endsWith('A') ? 'B' : 'A');

describe('forged refresh tokens', () => {
  const forgeries: [string, () => string][] = [
    ['truncated by one character', () => victim.RefreshToken.slice(0, -1)],
    ['truncated to its session part', () => victim.RefreshToken.slice(0, victim.RefreshToken.lastIndexOf('.'))],
    ['with one character of the secret changed', () => flip(victim.RefreshToken)],
    ['with a random secret on the real session', () => { const [user, sid] = parts(victim.RefreshToken); return `rt_${user}.${sid}.${'x'.repeat(43)}`; }],
    ['without its prefix', () => victim.RefreshToken.slice(3)],
    ['with the prefix of an auth header', () => `ahk_${victim.RefreshToken.slice(3)}`],
    ['the JWT instead of the refresh token', () => victim.Token],
    ["another user's token with the victim's name put in", () => { const [, sid, secret] = parts(attacker.RefreshToken); return `rt_${b64(victim.Username)}.${sid}.${secret}`; }],
    ["the attacker's secret on the victim's session", () => { const [user, sid] = parts(victim.RefreshToken); return `rt_${user}.${sid}.${parts(attacker.RefreshToken)[2]}`; }],
    ['a non-canonical username encoding', () => { const [user, sid, secret] = parts(victim.RefreshToken); return `rt_${user}=.${sid}.${secret}`; }],
  ];

  test.each(forgeries)('%s: 401, the same body as any other refusal', async (_case, forge) => {
    const response = await refresh(forge());

    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual(INVALID_REFRESH_BODY);
  });

  test("ended nothing: the victim's session and refresh token still work after all of the above", async () => {
    expect((await listHeaders(victim.Token)).statusCode).toBe(200);
    const next = await ok(refresh(victim.RefreshToken));
    expect(next.Id).toBe(victim.Id);
  });

  test("a user's refresh token answers with that user only", async () => {
    const next = await ok(refresh(attacker.RefreshToken));
    expect(next).toMatchObject({ Id: attacker.Id, Username: attacker.Username });
  });
});
