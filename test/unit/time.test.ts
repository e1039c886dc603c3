/**
 * lib/time.ts, the one place dates are read and written: RFC 3339 in, impossible dates refused
 * (Date.parse alone rolls 30 February over into March), UTC to the second out.
 */
import { describe, expect, test } from '@jest/globals';
import { epochSeconds, parseRfc3339, utcTimestamp } from '../../lib/time';
import { createUser } from '../../lib/services/userService';
import type { UserRepository } from '../../lib/data/userRepository';
import { InvalidInputError } from '../../lib/errors';

describe('parseRfc3339', () => {
  test.each([
    ['2030-01-31T00:00:00Z', Date.UTC(2030, 0, 31)],
    ['2030-01-31T00:00:00.250Z', Date.UTC(2030, 0, 31, 0, 0, 0, 250)],
    ['2030-01-31t02:00:00+02:00', Date.UTC(2030, 0, 31)],
    ['2032-02-29T12:00:00Z', Date.UTC(2032, 1, 29, 12)],
  ])('reads %j', (value, expected) => {
    expect(parseRfc3339(value)?.getTime()).toBe(expected);
  });

  test.each(['2030-02-30T00:00:00Z', '2031-02-29T00:00:00Z', '2030-04-31T00:00:00Z', '2030-13-01T00:00:00Z', '2030-01-01T24:00:00Z', '2030-01-01T00:60:00Z', '2030-01-01', '2030-01-01T00:00:00', 'tomorrow', ''])(
    'refuses %j',
    (value) => {
      expect(parseRfc3339(value)).toBeUndefined();
    },
  );
});

test('utcTimestamp writes UTC to the second; epochSeconds floors', () => {
  const date = new Date(Date.UTC(2030, 0, 31, 1, 2, 3, 999));
  expect(utcTimestamp(date)).toBe('2030-01-31T01:02:03Z');
  expect(epochSeconds(date)).toBe(Date.UTC(2030, 0, 31, 1, 2, 3) / 1000);
});

describe('createUser (the admin CLI’s --password-expires)', () => {
  const created: unknown[] = [];
  const repository = { create: async (user: unknown) => void created.push(user) } as unknown as UserRepository;
  const input = { username: 'ada', password: 'Correct-Horse-Battery-9', email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' };

  test('refuses 30 February instead of storing a March date', async () => {
    await expect(createUser(repository, { ...input, passwordExpires: '2030-02-30T00:00:00Z' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(created).toEqual([]);
  });

  test('stores a real date in UTC to the second', async () => {
    const user = await createUser(repository, { ...input, passwordExpires: '2030-03-01T01:00:00.5+01:00' });
    expect(user.passwordExpiration).toBe('2030-03-01T00:00:00Z');
  });
});
