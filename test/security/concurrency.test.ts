/**
 * Races on one user's auth headers: 50 parallel adds and deletes lose nothing and leave no orphan
 * items (every owner's copy has its lookup item and vice versa); parallel deletes of one token
 * succeed exactly once.
 */
import { describe, expect, it } from '@jest/globals';
import { givenUser, scanTable, useTestTables } from '../helpers/db';
import { addHeader, deleteHeader, listHeaders, loginAs } from './support';

useTestTables();

type Header = { id: string; name: string; token: string; created: string };

/** The user's items in the auth-headers table, checked for pairs: header item <-> token item. */
async function storedPairs(userId: string) {
  const items = await scanTable('authHeaders');
  const headerItems = items.filter((item) => item.pk === `USER#${userId}` && String(item.sk).startsWith('HEADER#'));
  const counter = items.find((item) => item.pk === `USER#${userId}` && item.sk === 'COUNTER');
  const tokenItems = items.filter((item) => String(item.pk).startsWith('TOKEN#') && item.userId === userId);
  const headerHashes = headerItems.map((item) => String(item.sk).slice('HEADER#'.length)).sort();
  const tokenHashes = tokenItems.map((item) => String(item.pk).slice('TOKEN#'.length)).sort();
  // The per-user counter always agrees with the headers actually stored.
  expect(counter?.headerCount ?? 0).toBe(headerItems.length);
  return { headerItems, tokenItems, headerHashes, tokenHashes };
}

describe('50-way concurrency on one user', () => {
  it('adds 50 headers in parallel without losing one, each with its lookup item', async () => {
    // Prepare
    const user = await givenUser();
    const token = await loginAs(user);

    // Act
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => addHeader(token, `parallel-${i}`)));

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
    const listed = (await listHeaders(token)).body as Header[];
    expect(listed).toHaveLength(50);
    expect(new Set(listed.map((header) => header.token))).toEqual(new Set(responses.map((response) => (response.body as Header).token)));
    const { headerItems, tokenItems, headerHashes, tokenHashes } = await storedPairs(user.id);
    expect(headerItems).toHaveLength(50);
    expect(tokenItems).toHaveLength(50);
    expect(tokenHashes).toEqual(headerHashes);
  });

  it('deletes 50 headers in parallel, leaving nothing behind', async () => {
    // Prepare
    const user = await givenUser();
    const token = await loginAs(user);
    const headers: Header[] = [];
    for (let i = 0; i < 50; i++) headers.push((await addHeader(token, `to-delete-${i}`)).body as Header);
    const survivor = (await addHeader(token, 'survivor')).body as Header;

    // Act
    const responses = await Promise.all(headers.map((header) => deleteHeader(token, header.token)));

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
    expect((await listHeaders(token)).body).toEqual([survivor]);
    const { headerItems, tokenItems, headerHashes, tokenHashes } = await storedPairs(user.id);
    expect(headerItems).toHaveLength(1);
    expect(tokenItems).toHaveLength(1);
    expect(tokenHashes).toEqual(headerHashes);
  });

  it('mixes 25 adds and 25 deletes in parallel with exact counts', async () => {
    // Prepare
    const user = await givenUser();
    const token = await loginAs(user);
    const existing: Header[] = [];
    for (let i = 0; i < 25; i++) existing.push((await addHeader(token, `old-${i}`)).body as Header);

    // Act
    const responses = await Promise.all([
      ...existing.map((header) => deleteHeader(token, header.token)),
      ...Array.from({ length: 25 }, (_, i) => addHeader(token, `new-${i}`)),
    ]);

    // Assess
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    const listed = (await listHeaders(token)).body as Header[];
    expect(listed.map((header) => header.name).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `new-${i}`).sort());
    const { headerHashes, tokenHashes } = await storedPairs(user.id);
    expect(headerHashes).toHaveLength(25);
    expect(tokenHashes).toEqual(headerHashes);
  });

  it('answers exactly one 200 and nine 404s to 10 parallel deletes of one token', async () => {
    // Prepare
    const user = await givenUser();
    const token = await loginAs(user);
    const header = (await addHeader(token, 'contested')).body as Header;

    // Act
    const responses = await Promise.all(Array.from({ length: 10 }, () => deleteHeader(token, header.token)));

    // Assess
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    expect((await listHeaders(token)).body).toEqual([]);
    const { headerItems, tokenItems } = await storedPairs(user.id);
    expect(headerItems).toHaveLength(0);
    expect(tokenItems).toHaveLength(0);
  });
});
