/**
 * Login throttling: failure counters per username and per source IP in the loginThrottle table, so
 * every Lambda instance sees the same counts. Only GetItem, UpdateItem (alone or two in one
 * TransactWriteItems, which IAM authorises as UpdateItem) and DeleteItem are used: the login
 * function's IAM grant on this table is exactly those.
 *
 * An attempt is counted *before* the password is checked (bcrypt is the CPU amplifier), and the
 * count is taken with conditional writes, so parallel requests cannot all slip past the limit:
 * - below the limit, one atomic `ADD failures 1` conditioned on "still below, not locked" (for the
 *   IP and the username together in one transaction: one round trip in the common case);
 * - at or past it, a compare-and-set on the value just read that also sets the lock-out end
 *   (`lockedUntil`), 2^(failures - limit) seconds, capped. A lost race re-reads, a few times.
 * A counter is forgotten `windowSeconds` after it started (or after its last lock-out ended); the
 * table's TTL (`expiresAt`) deletes it later, so reads ignore expired items themselves.
 *
 * Keys are SHA-256 digests (`user#...`, `ip#...`): the table never holds what someone typed as a
 * username (sometimes their password, typed into the wrong field). An IPv6 client is counted by
 * its /64, which one host can rotate through freely.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';

export interface ThrottlePolicy {
  /** Failures allowed before the first lock-out. */
  maxFailures: number;
  /** Longest single lock-out, seconds. */
  maxLockoutSeconds: number;
  /** How long a counter is remembered after it started or after its last lock-out ended, seconds. */
  windowSeconds: number;
}

/** Too many failures: no password check until `retryAfterSeconds` have passed. */
export class LoginThrottledError extends Error {
  override name = 'LoginThrottledError';
  constructor(
    readonly retryAfterSeconds: number,
    /** Which counter refused (for the logs only; the client's answer is the same for all). */
    readonly counter: 'user' | 'ip',
  ) {
    super(`login throttled by the ${counter} counter for ${retryAfterSeconds} s`);
  }
}

/** The lock-out after the `failures`-th failure: none below the limit, then 1, 2, 4 ... s, capped. */
export function lockoutSeconds(failures: number, policy: Pick<ThrottlePolicy, 'maxFailures' | 'maxLockoutSeconds'>): number {
  if (failures < policy.maxFailures) return 0;
  return Math.min(2 ** (failures - policy.maxFailures), policy.maxLockoutSeconds);
}

/** The counters one login attempt was charged to. */
export interface LoginAttempt {
  readonly userKey: string;
  readonly ipKey: string;
}

interface CounterItem {
  failures: number;
  /** Epoch ms; absent when not locked. */
  lockedUntil?: number;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
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

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');
export const throttleKeys = {
  user: (username: string) => `user#${digest(username)}`,
  ip: (sourceIp: string) => `ip#${digest(addressBucket(sourceIp))}`,
};

// Past this many lost compare-and-set races the counter is under a concurrent burst: refuse.
const MAX_RACES = 4;
const NAMES = { '#key': 'key', '#failures': 'failures', '#lockedUntil': 'lockedUntil', '#expiresAt': 'expiresAt' };

export class LoginThrottleRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policies: { readonly user: ThrottlePolicy; readonly ip: ThrottlePolicy },
  ) {}

  /**
   * Charges one attempt to the source IP, then to the username, before any password check. Throws
   * LoginThrottledError when either is locked out; a throttled IP never reaches the user's counter.
   * The answer depends only on the counters, never on whether the username exists.
   */
  async beginAttempt(username: string, sourceIp: string, now: Date = new Date()): Promise<LoginAttempt> {
    const attempt = { userKey: throttleKeys.user(username), ipKey: throttleKeys.ip(sourceIp) };
    if (await this.countBothBelowLimit(attempt, now.getTime())) return attempt;
    await this.charge(attempt.ipKey, this.policies.ip, 'ip', now);
    await this.charge(attempt.userKey, this.policies.user, 'user', now);
    return attempt;
  }

  /**
   * The password was right: the username's consecutive failures start again from zero, and the
   * IP gets its charge back (a success does not wipe the IP's other failures, or one valid account
   * would let a sprayer reset its own limit).
   */
  async recordSuccess(attempt: LoginAttempt, now: Date = new Date()): Promise<void> {
    await Promise.all([
      this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { key: attempt.userKey } })),
      this.refund(attempt.ipKey, now),
    ]);
  }

  /**
   * Forgets the username's failure count and lock-out (admin CLI `user unlock`). Returns whether
   * there was a count to forget. The username is hashed exactly as login hashes what was typed.
   */
  async clearUser(username: string): Promise<boolean> {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { key: throttleKeys.user(username) }, ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }

  /** The counter as it stands (tests and operators); undefined when absent or expired. */
  async read(key: string, now: Date = new Date()): Promise<CounterItem | undefined> {
    const item = await this.get(key);
    return item && item.expiresAt > epochSeconds(now.getTime()) ? item : undefined;
  }

  private async charge(key: string, policy: ThrottlePolicy, counter: 'user' | 'ip', now: Date): Promise<void> {
    const nowMs = now.getTime();
    if (await this.countBelowLimit(key, policy, nowMs)) return;
    for (let race = 0; race < MAX_RACES; race++) {
      const stored = await this.get(key);
      const current = stored && stored.expiresAt > epochSeconds(nowMs) ? stored : undefined;
      if (current?.lockedUntil !== undefined && current.lockedUntil > nowMs) {
        throw new LoginThrottledError(Math.max(1, Math.ceil((current.lockedUntil - nowMs) / 1000)), counter);
      }
      if (await this.countAndLock(key, policy, nowMs, stored, current)) return;
    }
    throw new LoginThrottledError(1, counter);
  }

  /**
   * The common case in one round trip: both counters stay below their limits after this attempt, so
   * one transaction adds to both (or, if either is at its limit, to neither, and the caller takes
   * the careful path one counter at a time).
   */
  private async countBothBelowLimit(attempt: LoginAttempt, nowMs: number): Promise<boolean> {
    if (this.policies.ip.maxFailures < 2 || this.policies.user.maxFailures < 2) return false;
    const updates = [this.belowLimitUpdate(attempt.ipKey, this.policies.ip, nowMs), this.belowLimitUpdate(attempt.userKey, this.policies.user, nowMs)];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: updates.map((update) => ({ Update: withNames(update) })) }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /** Still below the limit after this attempt, so no lock to set: one conditional write. */
  private async countBelowLimit(key: string, policy: ThrottlePolicy, nowMs: number): Promise<boolean> {
    if (policy.maxFailures < 2) return false;
    return this.conditionalUpdate(this.belowLimitUpdate(key, policy, nowMs));
  }

  private belowLimitUpdate(key: string, policy: ThrottlePolicy, nowMs: number) {
    return {
      TableName: this.tableName,
      Key: { key },
      UpdateExpression: 'ADD #failures :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
      ConditionExpression:
        'attribute_not_exists(#key) OR (#failures < :belowLimit AND #expiresAt > :nowS AND (attribute_not_exists(#lockedUntil) OR #lockedUntil <= :nowMs))',
      ExpressionAttributeValues: {
        ':one': 1,
        ':belowLimit': policy.maxFailures - 1,
        ':expiresAt': epochSeconds(nowMs) + policy.windowSeconds,
        ':nowS': epochSeconds(nowMs),
        ':nowMs': nowMs,
      },
    };
  }

  /**
   * Compare-and-set on the item just read (`stored`; `current` is it unless expired): one more
   * failure and, at the limit or past it, the lock-out that the next attempt will meet.
   */
  private async countAndLock(key: string, policy: ThrottlePolicy, nowMs: number, stored: CounterItem | undefined, current: CounterItem | undefined): Promise<boolean> {
    const failures = (current?.failures ?? 0) + 1;
    const lockout = lockoutSeconds(failures, policy);
    const lockedUntil = lockout > 0 ? nowMs + lockout * 1000 : undefined;
    const expiresAt = Math.max(
      current?.expiresAt ?? epochSeconds(nowMs) + policy.windowSeconds,
      lockedUntil === undefined ? 0 : epochSeconds(lockedUntil) + 1 + policy.windowSeconds,
    );
    const values: Record<string, unknown> = { ':expiresAt': expiresAt };
    let update: string;
    if (current) {
      update = 'ADD #failures :one SET #expiresAt = :expiresAt';
      values[':one'] = 1;
    } else {
      // Absent or expired: start again at one.
      update = 'SET #failures = :failures, #expiresAt = :expiresAt';
      values[':failures'] = failures;
    }
    if (lockedUntil === undefined) {
      update += ' REMOVE #lockedUntil';
    } else {
      update += ', #lockedUntil = :lockedUntil';
      values[':lockedUntil'] = lockedUntil;
    }
    let condition = 'attribute_not_exists(#key)';
    if (stored) {
      condition = '#failures = :readFailures AND #expiresAt = :readExpiresAt';
      values[':readFailures'] = stored.failures;
      values[':readExpiresAt'] = stored.expiresAt;
    }
    return this.conditionalUpdate({
      TableName: this.tableName,
      Key: { key },
      UpdateExpression: update,
      ConditionExpression: condition,
      ExpressionAttributeValues: values,
    });
  }

  /** Gives an IP back the charge of an attempt that turned out to be a success. */
  private async refund(key: string, now: Date): Promise<void> {
    await this.conditionalUpdate({
      TableName: this.tableName,
      Key: { key },
      UpdateExpression: 'ADD #failures :minusOne',
      // Never on a vanished or expired item: ADD would create one without a TTL.
      ConditionExpression: '#failures > :zero AND #expiresAt > :nowS',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0, ':nowS': epochSeconds(now.getTime()) },
    });
  }

  private async get(key: string): Promise<CounterItem | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { key }, ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      failures: Number(Item.failures ?? 0),
      lockedUntil: Item.lockedUntil === undefined ? undefined : Number(Item.lockedUntil),
      expiresAt: Number(Item.expiresAt ?? 0),
    };
  }

  /** True when the write happened, false when its condition did not hold. */
  private async conditionalUpdate(input: UpdateInput): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand(withNames(input)));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

type UpdateInput = Omit<ConstructorParameters<typeof UpdateCommand>[0], 'ExpressionAttributeNames'> & { UpdateExpression: string; ConditionExpression: string };

/** Adds the attribute-name aliases an update uses (DynamoDB refuses unused ones). */
function withNames<T extends UpdateInput>(input: T): T & { ExpressionAttributeNames: Record<string, string> } {
  const expressions = `${input.UpdateExpression} ${input.ConditionExpression}`;
  return { ...input, ExpressionAttributeNames: Object.fromEntries(Object.entries(NAMES).filter(([alias]) => expressions.includes(alias))) };
}

function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
