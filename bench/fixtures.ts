/**
 * The benchmark's world: tables on the DynamoDB Local that run.ts started, the local HTTP server on
 * a free port, and users with the numbers of auth headers the sections need. Imported only after
 * run.ts has set the environment (lib/config.ts reads it at import).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { totpCode } from '../lib/auth/totp';
import { usernameKey } from '../lib/data/table';
import { addAuthHeader } from '../lib/services/authHeaderService';
import { confirmTotp, setupTotp } from '../lib/services/mfaService';
import { verifySessionToken, type SessionClaims } from '../lib/auth/jwt';
import { createUser } from '../lib/services/userService';
import { config } from '../lib/config';
import { ensureTables } from '../lib/data/bootstrap';
import { documentClient } from '../lib/data/client';
import { users } from '../lib/data/repositories';
import type { UserRecord } from '../lib/data/userRepository';
import { createLocalServer } from '../lib/tools/local/server';
import { ApiClient } from './http';

export const BENCH_PASSWORD = 'Bench-Password-Strong-42';
/** The audit trail's request fields for set-up writes made outside any request. */
const BENCH_AUDIT_CONTEXT = { requestId: 'bench-setup', sourceIp: '127.0.0.1' };

export interface BenchUser {
  record: UserRecord;
  password: string;
  /** Session JWT from a real login through the server. */
  token: string;
  session: SessionClaims;
}

export interface Fixtures {
  api: ApiClient;
  server: Server;
  createBenchUser(label: string, headerCount?: number): Promise<BenchUser>;
  createMfaBenchUser(label: string): Promise<BenchUser & { secret: string; lastStep: number }>;
  /** Adds auth headers in-process (same code path as the route) and returns their tokens. */
  addHeaders(user: BenchUser, count: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function createFixtures(): Promise<Fixtures> {
  await ensureTables(documentClient, config.tables);
  const server = createLocalServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolveListen);
  });
  const api = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

  const addHeaders = async (user: BenchUser, count: number): Promise<string[]> => {
    const tokens: string[] = [];
    // A few at a time: quick to set up without provoking transaction conflicts on the profile item.
    for (let i = 0; i < count; i += 8) {
      const batch = Array.from({ length: Math.min(8, count - i) }, (_, j) => addAuthHeader(user.session, { name: `bench-key-${i + j}` }, BENCH_AUDIT_CONTEXT));
      tokens.push(...(await Promise.all(batch)).map((header) => header.token));
    }
    return tokens;
  };

  let counter = 0;
  const createBenchUser = async (label: string, headerCount = 0): Promise<BenchUser> => {
    counter += 1;
    const username = `bench.${label}.${counter}`;
    const record = await createUser(users, {
      username,
      password: BENCH_PASSWORD,
      email: `${label}${counter}@example.com`,
      firstname: 'Bench',
      lastname: label,
    });
    const { Token: token } = await api.login(username, BENCH_PASSWORD);
    const user = { record, password: BENCH_PASSWORD, token, session: await verifySessionToken(token) };
    if (headerCount > 0) await addHeaders(user, headerCount);
    return user;
  };

  /** A user with TOTP on (enrolled through the service), its confirming step forgotten so every code from now on is usable. */
  const createMfaBenchUser = async (label: string): Promise<BenchUser & { secret: string; lastStep: number }> => {
    const user = await createBenchUser(label);
    const { secret } = await setupTotp(user.session);
    await confirmTotp(user.session, totpCode(secret), BENCH_AUDIT_CONTEXT);
    await documentClient.send(new UpdateCommand({ TableName: config.tables.users, Key: { username: usernameKey(user.record.username) }, UpdateExpression: 'REMOVE totpLastStep' }));
    return { ...user, secret, lastStep: 0 };
  };

  return {
    api,
    server,
    createBenchUser,
    createMfaBenchUser,
    addHeaders,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
