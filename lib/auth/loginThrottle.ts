/**
 * The login throttle's policy, with no I/O: the counters' keys, the back-off, and what one counter
 * decides about one attempt from its state as read. lib/data/loginThrottleRepository.ts stores the
 * counters and turns these decisions into DynamoDB writes; docs/security.md ("Login throttling")
 * explains the model, its numbers and its references (NIST SP 800-63B, OWASP ASVS).
 *
 * Three counters per attempt (Auth0's model): `pair`, the username together with the source address
 * (backs off first, so one address that keeps failing is throttled for that username without
 * locking the owner out elsewhere); `user`, the username across all addresses (distributed
 * guessing, a higher limit); `ip`, the address across all usernames (spraying).
 *
 * POST /authheader/revoke has a fourth, `revoke`: the address alone, charged by every revocation
 * and counted as a failure unless it revoked a live key (lib/services/authHeaderService.ts), with
 * the same back-off. It is a counter of its own, so revocations never throttle an address's logins.
 */
import { createHmac } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { ThrottleCounter } from '../errors';
import { usernameKey } from '../data/table';

export type CounterKind = ThrottleCounter;
/** The counters a login attempt (or a password change) is charged to. */
export type LoginCounterKind = Exclude<CounterKind, 'revoke'>;

export interface ThrottlePolicy {
  /** Failures allowed before the first back-off. */
  maxFailures: number;
  /** Longest single back-off, seconds. */
  maxLockoutSeconds: number;
  /** How long a counter is remembered after it started or after its last back-off ended, seconds. */
  windowSeconds: number;
}

export interface ThrottlePolicies extends Readonly<Record<CounterKind, ThrottlePolicy>> {
  /**
   * How long a charged attempt counts as in flight if nothing settles it (a crashed invocation).
   * Longer than a password check takes; a failure or a success settles its charge at once.
   */
  readonly inflightSeconds: number;
}

/** The back-off after the `failures`-th failure: none below the limit, then 1, 2, 4 ... s, capped. */
export function lockoutSeconds(failures: number, policy: Pick<ThrottlePolicy, 'maxFailures' | 'maxLockoutSeconds'>): number {
  if (failures < policy.maxFailures) return 0;
  return Math.min(2 ** (failures - policy.maxFailures), policy.maxLockoutSeconds);
}

/**
 * The unit one client controls: an IPv4 address, or an IPv6 /64 (one customer network; a single
 * host can use any of its 2^64 addresses). IPv4-mapped IPv6 counts as the IPv4 address.
 */
export function addressBucket(sourceIp: string): string {
  const ip = sourceIp.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups] : headGroups;
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The item keys of the counters one attempt is charged to. */
export type CounterKeys<K extends CounterKind = CounterKind> = Readonly<Record<K, string>>;

/** Every counter's key prefix: what a role's grant on the table may be limited to (infra/stack.ts). */
export const COUNTER_KEY_PREFIXES: Readonly<Record<CounterKind, string>> = { pair: 'pair#', user: 'user#', ip: 'ip#', revoke: 'revoke#' };

/**
 * The counters' item keys: HMAC-SHA256 under a server key (lib/auth/keys.ts), never the clear text
 * nor a plain digest — people type passwords into the username field, and an unkeyed hash of a
 * password is recovered from a table dump in milliseconds. Usernames count in their
 * case-insensitive form, like the users table. The pair key starts with the username's own MAC, so
 * an operator can find every pair counter of one user (`user unlock`).
 */
export function throttleKeys(hmacKey: Uint8Array) {
  const mac = (value: string) => createHmac('sha256', hmacKey).update(value, 'utf8').digest('base64url');
  const pairPrefix = (username: string) => `${COUNTER_KEY_PREFIXES.pair}${mac(`user\0${usernameKey(username)}`)}#`;
  const keys = {
    pairPrefix,
    user: (username: string) => `${COUNTER_KEY_PREFIXES.user}${mac(`user\0${usernameKey(username)}`)}`,
    ip: (sourceIp: string) => `${COUNTER_KEY_PREFIXES.ip}${mac(`ip\0${addressBucket(sourceIp)}`)}`,
    revoke: (sourceIp: string) => `${COUNTER_KEY_PREFIXES.revoke}${mac(`revoke\0${addressBucket(sourceIp)}`)}`,
    pair: (username: string, sourceIp: string) => `${pairPrefix(username)}${mac(`pair\0${usernameKey(username)}\0${addressBucket(sourceIp)}`)}`,
  };
  /** The three counters one attempt of `username` from `sourceIp` is charged to. */
  const of = (username: string, sourceIp: string): CounterKeys<LoginCounterKind> => ({ pair: keys.pair(username, sourceIp), user: keys.user(username), ip: keys.ip(sourceIp) });
  return { ...keys, of };
}

/** A counter as stored: failures left before the back-off, the attempts in flight, the back-off. */
export interface CounterState {
  room: number;
  /** One element per charged attempt: `<epoch ms>:<random>`. */
  inflight: string[];
  /** Epoch ms; absent when never backed off in this window. */
  lockedUntil?: number;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
  /** Version, for compare-and-set. */
  v: number;
}

/**
 * What one counter decides about an attempt that its plain charge ("room left, nothing locked")
 * refused, from its state as read:
 * - `charge`: no counter yet, charge as usual;
 * - `swap`: write `inflight` (old charges swept out, this attempt's added) on condition that the
 *   counter is still at version `v`; with `restart` the window starts over, with `backoff` this is
 *   the one attempt let through after a back-off, and the next back-off is set as if it fails;
 * - `refuse`: a 429 after `retryAfterSeconds`; `startBackoffUntil` records when the back-off that
 *   the limit just reached ends (a write that charges nothing).
 */
export type Decision =
  | { kind: 'charge' }
  | { kind: 'swap'; v: number; inflight: string[]; restart?: { room: number; expiresAt: number }; backoff?: { lockedUntil: number; expiresAt: number } }
  | { kind: 'refuse'; retryAfterSeconds: number; startBackoffUntil?: number };

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

/** The elements of attempts that may still be in flight. */
export function liveCharges(inflight: readonly string[], nowMs: number, inflightSeconds: number): string[] {
  const horizon = nowMs - inflightSeconds * 1000;
  return inflight.filter((element) => Number(element.split(':')[0]) > horizon);
}

/** Until the oldest attempt in flight stops counting (it has usually finished long before). */
function retryAfterInflight(live: readonly string[], nowMs: number, inflightSeconds: number): number {
  const oldest = Math.min(...live.map((element) => Number(element.split(':')[0])));
  return Math.max(1, Math.ceil((oldest + inflightSeconds * 1000 - nowMs) / 1000));
}

/** The careful path for one counter (see Decision). Pure: the repository does the writing. */
export function decide(policy: ThrottlePolicy, inflightSeconds: number, stored: CounterState | undefined, element: string, nowMs: number): Decision {
  if (!stored) return { kind: 'charge' };
  const live = liveCharges(stored.inflight, nowMs, inflightSeconds);
  const swap = { kind: 'swap' as const, v: stored.v, inflight: [...live, element] };
  if (stored.expiresAt <= epochSeconds(nowMs)) {
    // The window is over: start counting again (attempts still in flight keep counting).
    if (live.length >= policy.maxFailures) return { kind: 'refuse', retryAfterSeconds: retryAfterInflight(live, nowMs, inflightSeconds) };
    return { ...swap, restart: { room: policy.maxFailures, expiresAt: epochSeconds(nowMs) + policy.windowSeconds } };
  }
  if (stored.lockedUntil !== undefined && stored.lockedUntil > nowMs) {
    return { kind: 'refuse', retryAfterSeconds: Math.ceil((stored.lockedUntil - nowMs) / 1000) };
  }
  if (stored.room > 0) {
    if (live.length >= stored.room) return { kind: 'refuse', retryAfterSeconds: retryAfterInflight(live, nowMs, inflightSeconds) };
    // Room after all once stale charges are swept out: nothing else to change.
    return swap;
  }
  const failures = policy.maxFailures - stored.room;
  if (stored.lockedUntil === undefined) {
    // The limit was just reached: the first back-off starts now.
    const seconds = lockoutSeconds(failures, policy);
    return { kind: 'refuse', retryAfterSeconds: seconds, startBackoffUntil: nowMs + seconds * 1000 };
  }
  // The back-off is over: one attempt, alone, and the next back-off is set as if it fails.
  if (live.length > 0) return { kind: 'refuse', retryAfterSeconds: retryAfterInflight(live, nowMs, inflightSeconds) };
  const lockedUntil = nowMs + lockoutSeconds(failures + 1, policy) * 1000;
  return { ...swap, backoff: { lockedUntil, expiresAt: Math.max(stored.expiresAt, epochSeconds(lockedUntil) + 1 + policy.windowSeconds) } };
}
