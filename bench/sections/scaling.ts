/** 6. List latency as a user's auth headers grow: 1, 20 and 200 (the response stays one array). */
import type { BenchUser, Fixtures } from '../fixtures';
import { listFloor } from '../floors';
import { ratioRow, type Row, type SectionResult } from '../report';
import { summarize, type Summary } from '../stats';
import { interleaved, type AsyncOperation } from '../timing';
import type { BenchOptions } from './options';

export async function benchScaling(fixtures: Fixtures, usersBySize: ReadonlyMap<number, BenchUser>, options: BenchOptions): Promise<SectionResult> {
  const operations: Record<string, AsyncOperation> = {};
  for (const [size, user] of usersBySize) {
    operations[`route${size}`] = async () => {
      const body = await fixtures.api.ok<unknown>('GET', '/authheader/list', { token: user.token });
      if (!Array.isArray(body) || body.length !== size) throw new Error(`list of ${size} returned ${Array.isArray(body) ? body.length : typeof body}`);
    };
    operations[`floor${size}`] = async () => {
      const count = await listFloor(user);
      if (count !== size) throw new Error(`floor query of ${size} found ${count}`);
    };
  }
  const samples = await interleaved(operations, options.scalingSamples, Math.min(options.warmup, 10));
  const rows: Row[] = [];
  const details: Record<string, { route: Summary; floor: Summary }> = {};
  for (const size of usersBySize.keys()) {
    const route = summarize(samples[`route${size}`] as number[]);
    const floor = summarize(samples[`floor${size}`] as number[]);
    details[size] = { route, floor };
    rows.push(ratioRow('6 scaling', `list with ${size} header${size === 1 ? '' : 's'}`, route, floor, undefined, 'floor = BatchGetItem(profile + session) || Query'));
  }
  return { rows, details };
}
