/**
 * `npm start` adds the demo user (whose password the README publishes) only to a database it has
 * just created, and says in its banner what it did: never to one named by DYNAMODB_ENDPOINT, and
 * never again once someone deleted it (docs/security.md asks for that before exposing the server).
 */
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config, loadConfig } from '../../lib/config';
import { createDocumentClient } from '../../lib/data/client';
import { UserRepository } from '../../lib/data/userRepository';
import { freePort } from '../../lib/tools/local/dynamodb';
import { startService, stopped } from '../helpers/npmStart';

jest.setTimeout(120_000);

async function loginStatus(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/user/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'john.doe', password: 'SecurePass123!' }),
  });
  return response.status;
}

test('creates john.doe in a fresh embedded database; after it is deleted, a restart on the same data does not bring it back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'demo-user-'));
  const env = { PORT: String(await freePort()), DYNAMODB_PORT: String(await freePort()), DYNAMODB_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: '', TABLE_PREFIX: 'demo-user' };
  try {
    const first = await startService(env);
    try {
      expect(first.output()).toContain('Demo user: created john.doe');
      expect(await loginStatus(Number(env.PORT))).toBe(200);
      // What docs/security.md asks before exposing the server: delete the demo user.
      const endpoint = /DynamoDB: (http:\/\/\S+) \(embedded/.exec(first.output())?.[1] as string;
      const { tables } = loadConfig({ ...process.env, TABLE_PREFIX: 'demo-user' });
      const client = createDocumentClient({ endpoint });
      await new UserRepository(client, tables.users).delete('john.doe');
      client.destroy();
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await stopped(first.child)).toBe(0);

    const second = await startService(env);
    try {
      expect(second.output()).toContain('Demo user: not created (the tables already existed');
      expect(second.output()).not.toContain('SecurePass123!');
      expect(await loginStatus(Number(env.PORT))).toBe(401);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await stopped(second.child)).toBe(0);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('never creates it in a database named by DYNAMODB_ENDPOINT, even when it creates the tables there', async () => {
  const port = await freePort();
  const service = await startService({ PORT: String(port), DYNAMODB_ENDPOINT: config.dynamoDbEndpoint as string, TABLE_PREFIX: `${process.env.TABLE_PREFIX}-nodemo` });
  try {
    expect(service.output()).toContain('created table');
    expect(service.output()).toContain('Demo user: none (DYNAMODB_ENDPOINT names a database npm start did not create');
    expect(service.output()).not.toContain('SecurePass123!');
    expect(await loginStatus(port)).toBe(401);
  } finally {
    service.child.kill('SIGTERM');
  }
  expect(await stopped(service.child)).toBe(0);
});
