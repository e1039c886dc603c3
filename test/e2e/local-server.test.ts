/**
 * End to end over HTTP: the local server (the same handler modules behind real sockets), and
 * `npm start` itself as a newcomer runs it, with the README's curl flow.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { LOGIN_THROTTLE_POLICIES } from '../../lib/data/repositories';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { config } from '../../lib/config';
import { freePort } from '../../lib/tools/local/dynamodb';
import { apiClient } from '../helpers/api-client';
import { givenUser, useTestTables } from '../helpers/db';
import { useLocalServer } from '../helpers/localServer';
import { startService, stopped } from '../helpers/npmStart';
import { assertMatchesDocument } from '../helpers/openapi';

useTestTables();

const local = useLocalServer();

async function call(method: string, path: string, options: { body?: string; jwt?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${local.url}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(options.jwt ? { Authorization: `Bearer ${options.jwt}` } : {}), ...options.headers },
    body: options.body,
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  assertMatchesDocument({ method, path, status: response.status, headers: response.headers, body: json });
  return { status: response.status, headers: response.headers, text, json };
}

describe('local HTTP server', () => {
  test('serves the whole contract flow to a client generated from openapi.json: login, add, list, delete', async () => {
    const user = await givenUser();
    const api = apiClient(local.url);

    const login = await api.POST('/user/login', { body: { username: user.username, password: user.password } });
    expect(login.response.status).toBe(200);
    const jwt = login.data?.Token as string;
    const auth = { headers: { Authorization: `Bearer ${jwt}` } };

    const added = await api.POST('/authheader/add', { ...auth, body: { name: 'production-api-key' } });
    expect(added.response.status).toBe(200);
    expect(added.data?.name).toBe('production-api-key');
    const token = added.data?.token as string;

    const listed = await api.GET('/authheader/list', auth);
    expect(listed.response.status).toBe(200);
    expect(listed.data).toEqual([added.data]);

    const deleted = await api.POST('/authheader/delete', { ...auth, body: { text: token } });
    expect(deleted.response.status).toBe(200);
    expect(deleted.data).toEqual({ message: 'Success' });

    const again = await api.POST('/authheader/delete', { ...auth, body: { text: token } });
    expect(again.response.status).toBe(404);
    expect(again.error).toEqual({ message: expect.any(String) });
  });

  test('serves openapi.json and the /docs page (Swagger UI from node_modules, nothing from a CDN)', async () => {
    const document = await fetch(`${local.url}/openapi.json`);
    expect(document.status).toBe(200);
    const served = (await document.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, unknown> };
    expect(served.openapi).toBe('3.1.0');
    expect(served.servers[0]?.url).toBe(local.url);
    expect(Object.keys(served.paths)).toEqual(expect.arrayContaining(['/user/login', '/authheader/add', '/authheader/list', '/authheader/delete']));

    const page = await fetch(`${local.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) {
      expect(source).toMatch(/^\/docs\//);
      expect((await fetch(`${local.url}${source}`)).status).toBe(200);
    }
    expect((await fetch(`${local.url}/docs/package.json`)).status).toBe(404);
  });

  test('serves the session flow: expired password → change → refresh with rotation → reuse ends the session → logout', async () => {
    const user = await givenUser({ passwordExpires: '2020-01-01T00:00:00Z' });
    const post = (path: string, body: unknown, jwt?: string) => call('POST', path, { body: JSON.stringify(body), jwt });
    const expired = await post('/user/login', { username: user.username, password: user.password });
    expect(expired.status).toBe(403);

    // The way out of an expired password.
    const changed = await post('/user/password', { username: user.username, password: user.password, newPassword: 'Lantern-Orbit-Falcon-3' });
    expect(changed.status).toBe(200);
    const first = changed.json as { Token: string; RefreshToken: string };
    const header = (await post('/authheader/add', { name: 'survivor' }, first.Token)).json as { token: string };
    expect((await post('/user/login', { username: user.username, password: user.password })).status).toBe(401);
    expect((await post('/user/password', { username: user.username, password: 'Lantern-Orbit-Falcon-3', newPassword: 'short' })).json).toEqual({
      message: 'password must be at least 8 characters',
    });

    // Rotation: each refresh token is used up.
    const second = (await post('/user/refresh', { refreshToken: first.RefreshToken })).json as { Token: string; RefreshToken: string };
    const third = (await post('/user/refresh', { refreshToken: second.RefreshToken })).json as { Token: string; RefreshToken: string };
    expect((await call('GET', '/authheader/list', { jwt: third.Token })).status).toBe(200);
    // The first token again (not the last one used, so no grace): reuse ends the whole session.
    expect((await post('/user/refresh', { refreshToken: first.RefreshToken })).status).toBe(401);
    expect((await call('GET', '/authheader/list', { jwt: third.Token })).status).toBe(401);
    expect((await post('/user/refresh', { refreshToken: third.RefreshToken })).status).toBe(401);

    // Logout: two sessions, one ended, then all of them.
    const login = async () => (await post('/user/login', { username: user.username, password: 'Lantern-Orbit-Falcon-3' })).json as { Token: string; RefreshToken: string };
    // The attempts above (one of them failed) are still in flight for the login throttle for a
    // moment; three more right away would meet the per-username-and-address limit (by design:
    // docs/security.md). Let them age out first.
    await sleep((LOGIN_THROTTLE_POLICIES.inflightSeconds + 0.2) * 1000);
    const [a, b, c] = [await login(), await login(), await login()];
    expect((await call('POST', '/user/logout', { jwt: a.Token })).json).toEqual({ message: 'Success' });
    expect((await call('GET', '/authheader/list', { jwt: a.Token })).status).toBe(401);
    expect((await post('/user/refresh', { refreshToken: a.RefreshToken })).status).toBe(401);
    expect((await call('GET', '/authheader/list', { jwt: b.Token })).status).toBe(200);
    expect((await post('/user/logout', { all: true }, b.Token)).status).toBe(200);
    for (const ended of [b, c]) expect((await call('GET', '/authheader/list', { jwt: ended.Token })).status).toBe(401);

    // Auth headers survived all of it.
    const last = await login();
    expect((await call('GET', '/authheader/list', { jwt: last.Token })).json).toEqual([expect.objectContaining({ name: 'survivor', token: header.token })]);
  });

  test('sends JSON, no-store and nosniff on success and on error', async () => {
    for (const response of [await call('POST', '/user/login', { body: '{"username":"x","password":"y"}' }), await call('GET', '/authheader/list')]) {
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.json).toEqual({ message: expect.any(String) });
    }
  });

  test.each([
    ['an unknown route', 'GET', '/nope', 404, undefined],
    ['a known route with the wrong method', 'GET', '/user/login', 405, undefined],
    ['malformed JSON', 'POST', '/user/login', 400, '{"username":'],
    ['a body over the limit', 'POST', '/user/login', 413, JSON.stringify({ username: 'u', password: 'p'.repeat(40_000) })],
  ])('answers %s with a JSON message', async (_case, method, path, status, body) => {
    const response = await call(method, path, { body });

    expect(response.status).toBe(status);
    expect(response.json).toEqual({ message: expect.any(String) });
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });

  test('accepts a login without a Content-Type header', async () => {
    const user = await givenUser();

    const response = await call('POST', '/user/login', { body: JSON.stringify({ username: user.username, password: user.password }), headers: { 'Content-Type': 'text/plain' } });

    expect(response.status).toBe(200);
  });
});

/** Starts `npm start`'s entry point with the given environment; resolves once it is listening. */

describe('npm start', () => {
  test('serves the README flow with the demo user against an existing DynamoDB, then stops on SIGINT', async () => {
    const port = await freePort();
    const { child, output } = await startService({ PORT: String(port), DYNAMODB_ENDPOINT: config.dynamoDbEndpoint as string, TABLE_PREFIX: `${process.env.TABLE_PREFIX}-start` });
    try {
      expect(output()).toContain(`http://127.0.0.1:${port}`);
      expect(output()).toContain('curl');
      const login = await apiClient(`http://127.0.0.1:${port}`).POST('/user/login', { body: { username: 'john.doe', password: 'SecurePass123!' } });
      expect(login.response.status).toBe(200);
      expect(login.data).toMatchObject({ Username: 'john.doe', Email: 'john.doe@example.com', Firstname: 'John', Lastname: 'Doe' });
    } finally {
      child.kill('SIGINT');
    }
    expect(await stopped(child)).toBe(0);
  }, 60_000);

  test('starts its own embedded DynamoDB Local and stops the java process with it on SIGTERM', async () => {
    const [port, dynamoPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'auth-e2e-'));
    const env: Record<string, string> = { PORT: String(port), DYNAMODB_PORT: String(dynamoPort), DYNAMODB_DATA_DIR: dataDir, TABLE_PREFIX: 'e2e' };
    const { child, output } = await startService({ ...env, DYNAMODB_ENDPOINT: '' });
    try {
      expect(output()).toContain(`http://127.0.0.1:${dynamoPort}`);
      const login = await fetch(`http://127.0.0.1:${port}/user/login`, { method: 'POST', body: JSON.stringify({ username: 'john.doe', password: 'SecurePass123!' }) });
      expect(login.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await stopped(child)).toBe(0);
    // The embedded database went down with the service: its port is free again.
    await expect(fetch(`http://127.0.0.1:${dynamoPort}`)).rejects.toThrow();
    // ...and kept its data where it was told to.
    expect(readdirSync(dataDir).some((file) => file.endsWith('.db'))).toBe(true);
    rmSync(dataDir, { recursive: true, force: true });
  }, 90_000);
});
