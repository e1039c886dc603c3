/** 2. The auth-header routes through the local HTTP server vs their raw DynamoDB operations. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../http';
import type { BenchUser, Fixtures } from '../fixtures';
import { addFloor, deleteFloor, listFloor } from '../floors';
import { ratioRow, type SectionResult } from '../report';
import { round, roundSummary, summarize } from '../stats';
import { interleaved } from '../timing';
import type { BenchOptions } from './options';

/**
 * `listUser` has 20 headers and keeps them. Adds and deletes go to `writeUser`; deletes consume
 * tokens (and floor items) created beforehand, so every round can run its operations in any order.
 */
export async function benchAuthHeaderRoutes(fixtures: Fixtures, listUser: BenchUser, writeUser: BenchUser, options: BenchOptions): Promise<SectionResult> {
  const rounds = options.routeSamples + options.warmup;
  const routeTokens = await fixtures.addHeaders(writeUser, rounds);
  const floorHashes: string[] = [];
  for (let i = 0; i < rounds; i++) floorHashes.push(await addFloor(writeUser));
  const { api } = fixtures;
  // The transport alone: the same client against a server that answers `[]` at once. Every route
  // figure contains this, its floor does not.
  const emptyServer = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'));
  emptyServer.keepAliveTimeout = 60_000;
  await new Promise<void>((resolveListen) => emptyServer.listen(0, '127.0.0.1', resolveListen));
  const empty = new ApiClient(`http://127.0.0.1:${(emptyServer.address() as AddressInfo).port}`);

  const samples = await interleaved(
    {
      list: async () => {
        const headers = await api.ok<unknown[]>('GET', '/authheader/list', { token: listUser.token });
        if (headers.length !== 20) throw new Error(`list returned ${headers.length} headers, expected 20`);
      },
      listFloor: () => listFloor(listUser),
      add: () => api.ok('POST', '/authheader/add', { token: writeUser.token, body: { name: 'bench-added' } }),
      addFloor: () => addFloor(writeUser),
      delete: () => api.ok('POST', '/authheader/delete', { token: writeUser.token, body: { text: routeTokens.pop() } }),
      deleteFloor: () => deleteFloor(writeUser, floorHashes.pop() as string),
      http: () => empty.ok('GET', '/'),
    },
    options.routeSamples,
    options.warmup,
  );
  emptyServer.closeAllConnections();
  emptyServer.close();
  const stats = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)])) as Record<keyof typeof samples, ReturnType<typeof summarize>>;
  return {
    rows: [
      ratioRow('2 routes', 'GET /authheader/list (20 headers)', stats.list, stats.listFloor, 1.5, 'floor = BatchGetItem(profile + session) || Query'),
      ratioRow('2 routes', 'POST /authheader/add', stats.add, stats.addFloor, 1.5, 'floor = TransactWrite(CC + counter + 2 Put)'),
      ratioRow('2 routes', 'POST /authheader/delete', stats.delete, stats.deleteFloor, 1.5, 'floor = GetItem (owner\'s item) + TransactWrite(CC + 2 Delete + counter)'),
      {
        section: '2 routes',
        name: 'HTTP round trip to an empty local server',
        measured: roundSummary(stats.http),
        value: round(stats.http.p50),
        unit: 'ms',
        note: 'attribution only: the fetch client + node:http share of each route figure above',
      },
    ],
    details: stats,
  };
}
