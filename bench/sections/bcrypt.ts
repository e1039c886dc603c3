/**
 * 7. The bcrypt cost × Lambda memory trade-off, estimated from bcrypt's measured single-core time
 * here. Lambda gives a function CPU in proportion to its memory up to one full vCPU at 1769 MB;
 * bcryptjs runs on one thread, so more memory than that buys no speed, only a bigger bill.
 */
import bcrypt from 'bcryptjs';
import { median, round } from '../stats';

export const COSTS = [10, 11, 12] as const;
export const MEMORY_MB = [1024, 1769, 3008] as const;
const FULL_VCPU_MB = 1769;
/** Lambda arm64 price per GB-second (us-east-1, first tier) and per request. */
const PRICE_PER_GB_SECOND = 0.0000133334;
const PRICE_PER_REQUEST = 0.0000002;
/** The bcrypt time per login we accept at the recommended memory (the rest of login is small beside it). */
export const BCRYPT_BUDGET_MS = 200;

export interface TradeoffCell {
  cost: number;
  memoryMb: number;
  /** Estimated bcrypt time per login on Lambda (ms), assuming a Lambda vCPU as fast as this core. */
  bcryptMs: number;
  /** Logins per second one execution environment can serve (bcrypt only). */
  loginsPerSecondPerInstance: number;
  /** USD per million logins for the bcrypt time alone (duration × memory, plus requests). */
  usdPerMillionLogins: number;
}

export interface BcryptTradeoff {
  singleCoreMs: Record<number, number>;
  cells: TradeoffCell[];
  recommendation: { cost: number; memoryMb: number; reason: string };
}

/**
 * CPU time of one compare on this thread (process.cpuUsage, not the wall clock): on a shared
 * machine the wall clock also counts the time other processes held the core.
 */
function singleCoreCompareMs(cost: number, repetitions: number): number {
  const password = 'Trade-off-Password-1';
  const hash = bcrypt.hashSync(password, cost);
  bcrypt.compareSync(password, hash);
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const before = process.cpuUsage();
    bcrypt.compareSync(password, hash);
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

export async function benchBcryptTradeoff(repetitions: number): Promise<BcryptTradeoff> {
  const singleCoreMs: Record<number, number> = {};
  for (const cost of COSTS) singleCoreMs[cost] = singleCoreCompareMs(cost, repetitions);
  const cells: TradeoffCell[] = [];
  for (const cost of COSTS) {
    for (const memoryMb of MEMORY_MB) {
      const cpuShare = Math.min(memoryMb, FULL_VCPU_MB) / FULL_VCPU_MB;
      const bcryptMs = (singleCoreMs[cost] as number) / cpuShare;
      const gbSeconds = (bcryptMs / 1000) * (memoryMb / 1024);
      cells.push({
        cost,
        memoryMb,
        bcryptMs: round(bcryptMs, 1),
        loginsPerSecondPerInstance: round(1000 / bcryptMs, 1),
        usdPerMillionLogins: round((gbSeconds * PRICE_PER_GB_SECOND + PRICE_PER_REQUEST) * 1e6, 2),
      });
    }
  }
  // The most work per guess an attacker must repeat that still fits the budget at full vCPU.
  const affordable = COSTS.filter((cost) => (singleCoreMs[cost] as number) <= BCRYPT_BUDGET_MS);
  const cost = affordable.length > 0 ? Math.max(...affordable) : COSTS[0];
  const reason =
    `cost ${cost} is the highest whose compare stays within ${BCRYPT_BUDGET_MS} ms on one full vCPU ` +
    `(${round(singleCoreMs[cost] as number, 1)} ms here); ${FULL_VCPU_MB} MB is the smallest size with a full vCPU: ` +
    `below it a login is slower for the same price per login, above it only dearer`;
  return { singleCoreMs, cells, recommendation: { cost, memoryMb: FULL_VCPU_MB, reason } };
}

/** The trade-off as a Markdown table: one row per cost, one column per memory size. */
export function formatTradeoff(tradeoff: BcryptTradeoff): string {
  const header = `| bcrypt cost | single-core compare | ${MEMORY_MB.map((mb) => `${mb} MB: ms / logins/s / $ per 1M`).join(' | ')} |`;
  const rule = `|---|---:|${MEMORY_MB.map(() => '---:').join('|')}|`;
  const lines = COSTS.map((cost) => {
    const cells = MEMORY_MB.map((memoryMb) => {
      const cell = tradeoff.cells.find((c) => c.cost === cost && c.memoryMb === memoryMb) as TradeoffCell;
      return `${cell.bcryptMs.toFixed(0)} ms / ${cell.loginsPerSecondPerInstance.toFixed(1)} / $${cell.usdPerMillionLogins.toFixed(2)}`;
    });
    return `| ${cost} | ${(tradeoff.singleCoreMs[cost] as number).toFixed(1)} ms | ${cells.join(' | ')} |`;
  });
  return [header, rule, ...lines].join('\n');
}
