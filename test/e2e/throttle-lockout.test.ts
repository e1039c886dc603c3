/**
 * Issue 11 §1 replayed over real sockets: an attacker connecting from 127.0.0.2 keeps an account's
 * back-off running (5 wrong passwords, then one more each time the back-off ends) while the owner
 * logs in from 127.0.0.3. Both reach the local server bound to 127.0.0.1, which sees each
 * connection's own source address (Linux routes all of 127.0.0.0/8 to the loopback interface).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { config } from '../../lib/config';
import { createLocalServer } from '../../lib/tools/local/server';
import { givenUser, useTestTables } from '../helpers/db';

useTestTables();

const ATTACKER = '127.0.0.2';
const OWNER = '127.0.0.3';
const OWNER_LOGINS = 30;
// A person logging in again and again; more than LOGIN_MAX_FAILURES_PER_USER logins from one address
// within the in-flight time (lib/data/repositories.ts) would be throttled, successful or not.
const OWNER_PAUSE_MS = 1000;

let server: Server;
let port: number;

beforeAll(async () => {
  server = createLocalServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** POST /user/login over a connection made from `localAddress`. */
function login(localAddress: string, username: string, password: string): Promise<{ status: number; retryAfter?: string }> {
  return post(localAddress, '/user/login', { username, password });
}

/** A POST over a connection made from `localAddress`. */
function post(localAddress: string, path: string, payload: unknown): Promise<{ status: number; retryAfter?: string }> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, localAddress, method: 'POST', path, agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('one address cannot keep an account locked', () => {
  test(`lets the owner log in from a second address ${OWNER_LOGINS} times out of ${OWNER_LOGINS} while another address keeps the back-off running`, async () => {
    // Prepare
    const owner = await givenUser();
    const stop = new AbortController();
    const attackerStatuses: number[] = [];
    const attacker = (async () => {
      while (!stop.signal.aborted) {
        const answer = await login(ATTACKER, owner.username, 'Wrong-Guess-2026!');
        attackerStatuses.push(answer.status);
        // Guess again the moment the back-off ends, as the attack in the issue did.
        if (answer.status === 429) await sleep(Number(answer.retryAfter) * 1000, undefined, { signal: stop.signal }).catch(() => undefined);
      }
    })();
    while (attackerStatuses.filter((status) => status === 429).length === 0) await sleep(20);

    // Act
    const ownerStatuses: number[] = [];
    for (let i = 0; i < OWNER_LOGINS; i++) {
      ownerStatuses.push((await login(OWNER, owner.username, owner.password)).status);
      await sleep(OWNER_PAUSE_MS);
    }
    stop.abort();
    await attacker;

    // Assess
    expect(attackerStatuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 429]);
    expect(attackerStatuses.filter((status) => status === 401).length).toBeGreaterThan(5);
    expect(ownerStatuses.filter((status) => status === 200)).toHaveLength(OWNER_LOGINS);
  }, 60_000);
});

describe('npm start throttles the public revoke per address too', () => {
  test('an address spraying POST /authheader/revoke gets 429 with Retry-After; another address does not', async () => {
    const SPRAYER = '127.0.0.4';
    const statuses: number[] = [];
    for (let i = 0; i < config.revokeMaxFailuresPerIp; i++) statuses.push((await post(SPRAYER, '/authheader/revoke', { text: `not-a-token-${i}` })).status);

    const refused = await post(SPRAYER, '/authheader/revoke', { text: 'one more' });
    const other = await post('127.0.0.5', '/authheader/revoke', { text: 'one more' });

    expect(statuses).toEqual(Array(config.revokeMaxFailuresPerIp).fill(200));
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(other.status).toBe(200);
  }, 60_000);
});
