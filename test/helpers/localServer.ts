/** The local HTTP server (the same handler modules behind a real socket) on a free loopback port, for one test file. */
import { afterAll, beforeAll } from '@jest/globals';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '../../lib/tools/local/server';

/** Starts the server before the file's tests and stops it after; `url` is its base URL once started. */
export function useLocalServer(): { readonly url: string } {
  let server: Server;
  const local = { url: '' };
  beforeAll(async () => {
    server = createLocalServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    local.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  return local;
}
