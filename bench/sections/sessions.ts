/**
 * 7. The session routes through the local HTTP server vs their raw DynamoDB calls plus one HTTP
 * round trip to an empty server (the "hop"): refresh and logout; and the password change vs its
 * two bcrypt operations (verify, then hash at the configured cost) plus its DynamoDB calls.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config } from '../../lib/config';
import { newTransaction, sessions } from '../../lib/data/repositories';
import { prepareSession, type LoginResponse } from '../../lib/services/sessionService';
import { ApiClient } from '../http';
import type { BenchUser, Fixtures } from '../fixtures';
import { logoutFloor, passwordChangeFloor, putFloorSession, refreshFloor } from '../floors';
import { ratioRow, type SectionResult } from '../report';
import { summarize } from '../stats';
import { interleaved } from '../timing';
import type { BenchOptions } from './options';

/** A stored session made in-process (the session Put alone), for the routes that use one up. */
async function startSession(profile: Parameters<typeof prepareSession>[0]): Promise<LoginResponse> {
  const { item, response } = await prepareSession(profile);
  await newTransaction().add(sessions.startPart(item)).commit();
  return response;
}

// The bench users' password (fixtures.ts) and a second one: each change swaps them.
const password = (index: number) => (index % 2 === 0 ? 'Bench-Password-Strong-42' : 'Bench-Password-Other-43');

export async function benchSessionRoutes(fixtures: Fixtures, user: BenchUser, passwordUser: BenchUser, passwordFloorUser: BenchUser, options: BenchOptions): Promise<SectionResult> {
  const { api } = fixtures;
  const emptyServer = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
  emptyServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen) => emptyServer.listen(0, '127.0.0.1', resolveListen));
  const empty = new ApiClient(`http://127.0.0.1:${(emptyServer.address() as AddressInfo).port}`);
  const hop = () => empty.ok('GET', '/');

  const rounds = options.routeSamples + options.warmup;
  // Logout ends a session per call: fresh ones, made in-process beforehand.
  const logoutTokens: string[] = [];
  for (let i = 0; i < rounds; i++) logoutTokens.push((await startSession(user.record)).Token);
  const floorSessions: string[] = [];
  for (let i = 0; i < rounds; i++) floorSessions.push(await putFloorSession(user));
  const refreshFloorSid = await putFloorSession(user);
  let refreshToken = (await startSession(user.record)).RefreshToken;

  const samples = await interleaved(
    {
      refresh: async () => {
        refreshToken = (await api.ok<{ RefreshToken: string }>('POST', '/user/refresh', { body: { refreshToken } })).RefreshToken;
      },
      refreshFloor: async () => {
        await refreshFloor(user, refreshFloorSid);
        await hop();
      },
      logout: () => api.ok('POST', '/user/logout', { token: logoutTokens.pop() }),
      logoutFloor: async () => {
        await logoutFloor(user, floorSessions.pop() as string);
        await hop();
      },
    },
    options.routeSamples,
    options.warmup,
  );

  // The password change: a few dozen samples (each is two bcrypt operations), on users of their own.
  let routeIndex = 0;
  let floorIndex = 0;
  const passwordSamples = await interleaved(
    {
      change: async () => {
        await api.ok('POST', '/user/password', { body: { username: passwordUser.record.username, password: password(routeIndex), newPassword: password(routeIndex + 1) } });
        routeIndex += 1;
      },
      changeFloor: async () => {
        await passwordChangeFloor(passwordFloorUser, password(floorIndex), password(floorIndex + 1));
        floorIndex += 1;
        await hop();
      },
    },
    Math.max(5, Math.floor(options.loginSamples / 4)),
    Math.min(options.warmup, 4),
  );
  emptyServer.closeAllConnections();
  emptyServer.close();

  const stats = Object.fromEntries(Object.entries({ ...samples, ...passwordSamples }).map(([name, values]) => [name, summarize(values)])) as Record<
    keyof typeof samples | keyof typeof passwordSamples,
    ReturnType<typeof summarize>
  >;
  return {
    rows: [
      ratioRow('7 sessions', 'POST /user/refresh', stats.refresh, stats.refreshFloor, 1.5, 'floor = BatchGet(session + profile) + conditional UpdateItem + hop'),
      ratioRow('7 sessions', 'POST /user/logout', stats.logout, stats.logoutFloor, 1.5, 'floor = TransactWrite(CC profile + Delete session) + hop'),
      ratioRow(
        '7 sessions',
        `POST /user/password (bcrypt cost ${config.bcryptCost})`,
        stats.change,
        stats.changeFloor,
        1.1,
        'floor = GetItem + bcrypt.compare + bcrypt.hash + TransactWrite(Update + Put) + hop',
      ),
    ],
    details: stats,
  };
}
