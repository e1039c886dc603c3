/**
 * The password policy applied wherever a password is set (admin CLI: createUser, setUserPassword):
 * OWASP ASVS V6.2 — at least 8 characters, long passphrases allowed, nothing bcrypt would silently
 * truncate (> 72 UTF-8 bytes), none of the 10,000 most common passwords. Plus the bcrypt helpers.
 */
import { describe, expect, test } from '@jest/globals';
import { createUser, setUserPassword } from '../../lib/services/userService';
import { hashPassword, verifyPassword } from '../../lib/auth/passwords';
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, passwordPolicyViolation } from '../../lib/auth/passwordPolicy';
import COMMON_PASSWORDS from '../../lib/auth/data/common-passwords';
import { InvalidInputError } from '../../lib/errors';
import type { UserRecord, UserRepository } from '../../lib/data/userRepository';

const commonPasswords = COMMON_PASSWORDS.split('\n')
  .map((line) => line.trim())
  .filter(Boolean);

describe('passwordPolicyViolation', () => {
  test('uses the documented limits', () => {
    expect(PASSWORD_MIN_CHARS).toBe(8);
    expect(PASSWORD_MAX_BYTES).toBe(72);
  });

  test.each([
    ['8 characters', 'Qx7#mPz!'],
    ['64 ASCII characters', 'a-long-but-memorable-passphrase-about-horses-and-batteries-12345'],
    ['72 ASCII bytes exactly', 'k'.repeat(30) + '-Unusual-Passphrase-Nobody-Else-Uses-9'.padEnd(42, 'z')],
    ['spaces and punctuation', 'correct horse battery staple!'],
    ['Unicode letters within 72 bytes', 'pässwörter-sind-lang-genug-ÄÖÜ'],
    ['an emoji passphrase', '🦄🌈 unicorns over rainbows 🌈🦄'],
  ])('accepts %s', (_case, password) => {
    expect(passwordPolicyViolation(password)).toBeUndefined();
  });

  test('allows at least 64 characters (ASVS V6.2.9)', () => {
    const password = 'Xy9-'.repeat(16);
    expect([...password]).toHaveLength(64);
    expect(passwordPolicyViolation(password)).toBeUndefined();
  });

  test.each([
    ['empty', ''],
    ['7 characters', 'Qx7#mPz'],
    ['7 emoji (28 bytes, but 7 characters)', '🦄🌈🦄🌈🦄🌈🦄'],
  ])('refuses %s as too short', (_case, password) => {
    expect(passwordPolicyViolation(password)).toBe('password must be at least 8 characters');
  });

  test('counts characters, not UTF-16 units: 8 emoji are 8 characters', () => {
    expect(passwordPolicyViolation('🦄🌈🐙🦊🐝🦉🐢🦀')).toBeUndefined();
  });

  test.each([
    ['73 ASCII bytes', 'q'.repeat(73)],
    ['37 two-byte characters (74 bytes)', 'é'.repeat(37)],
    ['19 emoji (76 bytes, 19 characters)', '🦄'.repeat(19)],
    ['a 1,000-character passphrase', 'w'.repeat(1000)],
  ])('refuses %s with a clear message about the 72-byte limit', (_case, password) => {
    expect(passwordPolicyViolation(password)).toBe('password must be at most 72 bytes in UTF-8 (bcrypt ignores anything beyond)');
  });

  test('checks the byte limit in UTF-8, not in characters', () => {
    expect(passwordPolicyViolation('é'.repeat(36))).toBeUndefined(); // 72 bytes
    expect(passwordPolicyViolation('é'.repeat(37))).toMatch(/72 bytes/); // 74 bytes, 37 characters
  });

  test('knows the 10,000 most common passwords', () => {
    expect(commonPasswords).toHaveLength(10_000);
  });

  test('refuses every common password long enough to pass the length rule', () => {
    const longEnough = commonPasswords.filter((password) => [...password].length >= 8);
    expect(longEnough.length).toBeGreaterThan(1000);
    for (const password of longEnough) expect({ password, violation: passwordPolicyViolation(password) }).toEqual({ password, violation: 'password is too common; choose another' });
  });

  test.each([['Password'], ['PASSWORD'], ['Baseball'], ['FOOTBALL'], ['Jennifer']])('refuses the common password %s whatever its case', (password) => {
    expect(passwordPolicyViolation(password)).toBe('password is too common; choose another');
  });

  test('refuses the username as the password, whatever its case, when it knows the user', () => {
    expect(passwordPolicyViolation('Ada.Lovelace-1815', { username: 'ada.lovelace-1815' })).toBe('password must not be the username');
    expect(passwordPolicyViolation('Ada.Lovelace-1815', { username: 'someone.else' })).toBeUndefined();
  });

  test('refuses the current password as the new one, when it is known', () => {
    expect(passwordPolicyViolation('Lantern-Orbit-Falcon-3', { currentPassword: 'Lantern-Orbit-Falcon-3' })).toBe('new password must differ from the current password');
    expect(passwordPolicyViolation('Lantern-Orbit-Falcon-4', { currentPassword: 'Lantern-Orbit-Falcon-3' })).toBeUndefined();
  });
});

describe('bcrypt helpers', () => {
  test('hashes with bcrypt at the requested cost and verifies', async () => {
    const hash = await hashPassword('Correct-Horse-Battery-9', 4);

    expect(hash).toMatch(/^\$2b\$04\$/);
    await expect(verifyPassword('Correct-Horse-Battery-9', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct-horse-battery-9', hash)).resolves.toBe(false);
  });

  test('fails an unknown user (no hash) after doing the bcrypt work', async () => {
    await expect(verifyPassword('anything at all', undefined)).resolves.toBe(false);
  });

  test('salts every hash', async () => {
    const [a, b] = [await hashPassword('Same-Password-Twice', 4), await hashPassword('Same-Password-Twice', 4)];
    expect(a).not.toBe(b);
  });
});

describe('the policy wherever a password is set', () => {
  /** A repository stub: the policy must refuse before anything is stored. */
  function repository() {
    const calls: string[] = [];
    const stub = {
      create: async (user: UserRecord) => void calls.push(`create ${user.username}`),
      setPassword: async (username: string) => void calls.push(`setPassword ${username}`),
      findByUsername: async (username: string) => ({ id: 'u1', username, passwordHash: '$2b$04$i4XsGm4cZebMlUiZWRSV9ebfGQUuZVNe.LnLdTwljipcnC4bcMB6q', passwordVersion: 1 }),
    };
    return { calls, repo: stub as unknown as UserRepository };
  }
  const newUser = (password: string) => ({ username: 'ada', password, email: 'ada@example.com', firstname: 'Ada', lastname: 'Lovelace' });

  test.each([
    ['too short', 'short1!', /at least 8/],
    ['over 72 bytes', 'ü'.repeat(40), /at most 72 bytes/],
    ['common', 'iloveyou', /too common/],
    ['the username', 'Ada.Lovelace', /not be the username/],
  ])('createUser refuses a %s password (invalid input: 400) and stores nothing', async (_case, password, message) => {
    const { calls, repo } = repository();

    await expect(createUser(repo, { ...newUser(password), username: 'ada.lovelace' })).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringMatching(message) });
    expect(calls).toEqual([]);
  });

  test.each([
    ['too short', 'short1!', /at least 8/],
    ['over 72 bytes', 'x'.repeat(73), /at most 72 bytes/],
    ['common', 'password1', /too common/],
    ['the username', 'Ada-Lovelace-1815', /not be the username/],
  ])('setUserPassword refuses a %s password (invalid input: 400) and stores nothing', async (_case, password, message) => {
    const { calls, repo } = repository();

    const refused = setUserPassword(repo, 'ada-lovelace-1815', password);

    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  test('stores a good password only as a bcrypt hash', async () => {
    let stored: UserRecord | undefined;
    const repo = { create: async (user: UserRecord) => void (stored = user) } as unknown as UserRepository;

    await createUser(repo, newUser('Lantern-Orbit-Falcon-3'));

    expect(stored?.passwordHash).toMatch(/^\$2b\$/);
    expect(JSON.stringify(stored)).not.toContain('Lantern-Orbit-Falcon-3');
  });
});
