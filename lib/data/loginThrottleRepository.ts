/**
 * Login throttling: failure counters in the loginThrottle table, so every Lambda instance sees the
 * same counts. Three counters per attempt (Auth0's model):
 * - `pair`: the username together with the source address. Backs off first, so one address that
 *   keeps failing is throttled for that username without locking the owner out elsewhere;
 * - `user`: the username across all addresses (distributed guessing), a higher limit;
 * - `ip`: the address across all usernames (spraying).
 * Login uses only GetItem and UpdateItem (TransactWriteItems of Updates is authorised as UpdateItem);
 * the admin CLI's unlock also scans and deletes.
 *
 * Each counter item holds `room` (failures still allowed before the back-off: limit - failures) and
 * `inflight`, a string set with one element per attempt whose password check may still be running.
 * An attempt is charged *before* bcrypt (the CPU amplifier) by adding its element, on condition
 * that `size(inflight) < room` — the one comparison DynamoDB can make between two attributes, and
 * the reason for keeping `room` rather than a failure count. A failure then moves its element into
 * the count (`room - 1`); a success writes nothing: its element simply stops counting once it is
 * `inflightSeconds` old, and is swept out the next time the set fills up. So a parallel burst gets
 * at most `room` password checks, the success path adds no round trip after bcrypt, and the common
 * case is one transaction before bcrypt for all three counters.
 *
 * Past the limit an attempt is let through only when the back-off has ended and nothing else is in
 * flight, by a compare-and-set (on the version `v`) that also sets the next back-off, 2^(failures -
 * limit) s capped: one attempt at a time. All writes for one attempt are one transaction, so an
 * attempt refused by any counter (a 429) charges none of them. A counter is forgotten
 * `windowSeconds` after it started (or after its last back-off ended); the TTL (`expiresAt`) deletes
 * it later, so reads ignore expired items themselves.
 *
 * Keys are SHA-256 digests (`pair#`, `user#`, `ip#`): the table never holds what someone typed as
 * a username (sometimes their password, typed into the wrong field). Usernames are counted in their
 * case-insensitive form, like the users table. An IPv6 client is counted by its /64, which one host
 * can rotate through freely.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { ThrottledError } from '../errors';
import { usernameKey } from './table';

export interface ThrottlePolicy {
  /** Failures allowed before the first back-off. */
  maxFailures: number;
  /** Longest single back-off, seconds. */
  maxLockoutSeconds: number;
  /** How long a counter is remembered after it started or after its last back-off ended, seconds. */
  windowSeconds: number;
}

export type CounterKind = 'pair' | 'user' | 'ip';
const KINDS: readonly CounterKind[] = ['pair', 'user', 'ip'];

export interface ThrottlePolicies extends Readonly<Record<CounterKind, ThrottlePolicy>> {
  /**
   * How long a charged attempt counts as in flight. Longer than a password check takes, short
   * enough that an owner's own successful logins stop counting within seconds.
   */
  readonly inflightSeconds: number;
}

export const TOO_MANY_ATTEMPTS = 'Too many failed login attempts; try again later';

/** Too many failures (or attempts in flight): no password check until `retryAfterSeconds` have passed. */
export class LoginThrottledError extends ThrottledError {
  constructor(
    retryAfterSeconds: number,
    /** Which counter refused (for the logs only; the client's answer is the same for all). */
    readonly counter: CounterKind,
  ) {
    super(TOO_MANY_ATTEMPTS, retryAfterSeconds);
  }
}

/** The back-off after the `failures`-th failure: none below the limit, then 1, 2, 4 ... s, capped. */
export function lockoutSeconds(failures: number, policy: Pick<ThrottlePolicy, 'maxFailures' | 'maxLockoutSeconds'>): number {
  if (failures < policy.maxFailures) return 0;
  return Math.min(2 ** (failures - policy.maxFailures), policy.maxLockoutSeconds);
}

/** The counters one login attempt was charged to, and its element in each `inflight` set. */
export interface LoginAttempt {
  readonly keys: Readonly<Record<CounterKind, string>>;
  readonly element: string;
}

interface CounterItem {
  room: number;
  inflight: string[];
  /** Epoch ms; absent when never backed off in this window. */
  lockedUntil?: number;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
  v: number;
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
const pairPrefix = (username: string) => `pair#${digest(usernameKey(username))}#`;

export const throttleKeys = {
  user: (username: string) => `user#${digest(usernameKey(username))}`,
  ip: (sourceIp: string) => `ip#${digest(addressBucket(sourceIp))}`,
  // The username's digest leads, so an operator can find every pair counter of one user (unlock).
  pair: (username: string, sourceIp: string) => `${pairPrefix(username)}${digest(`${usernameKey(username)}\0${addressBucket(sourceIp)}`)}`,
};

// Past this many lost compare-and-set races the counters are under a concurrent burst: refuse.
const MAX_RACES = 4;
const NAMES = {
  '#key': 'key',
  '#room': 'room',
  '#inflight': 'inflight',
  '#lockedUntil': 'lockedUntil',
  '#expiresAt': 'expiresAt',
  '#v': 'v',
};
/** Every attribute a counter update may name (infra/stack.ts limits login's and the password change's updates to these). */
export const THROTTLE_ATTRIBUTES = Object.values(NAMES);

/** What one counter's part of the attempt's transaction is, or why the attempt is refused. */
type Decision = { update: UpdateInput } | { refuse: number };

export class LoginThrottleRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policies: ThrottlePolicies,
  ) {}

  /**
   * Charges one attempt to the three counters, before any password check, or throws
   * LoginThrottledError having charged none. The answer depends only on the counters, never on
   * whether the username exists.
   */
  async beginAttempt(username: string, sourceIp: string, now: Date = new Date()): Promise<LoginAttempt> {
    const nowMs = now.getTime();
    const attempt: LoginAttempt = {
      keys: { pair: throttleKeys.pair(username, sourceIp), user: throttleKeys.user(username), ip: throttleKeys.ip(sourceIp) },
      element: `${nowMs}:${randomBytes(6).toString('base64url')}`,
    };
    // The common case: every counter has room, one transaction.
    let decisions = KINDS.map((kind): Decision => ({ update: this.chargeWithRoom(kind, attempt, nowMs) }));
    for (let race = 0; race <= MAX_RACES; race++) {
      const refusal = refusalOf(decisions);
      if (refusal) throw refusal;
      const failed = await this.transact(decisions.map((decision) => (decision as { update: UpdateInput }).update));
      if (failed.length === 0) return attempt;
      // Look at the counters that said no (as they stood), the others keep their plain charge.
      const stored = await Promise.all(KINDS.map((kind, i) => (failed.includes(i) ? this.get(attempt.keys[kind]) : undefined)));
      decisions = await Promise.all(
        KINDS.map(async (kind, i) => (failed.includes(i) ? this.decide(kind, attempt, stored[i], nowMs) : { update: this.chargeWithRoom(kind, attempt, nowMs) })),
      );
    }
    throw new LoginThrottledError(1, 'pair');
  }

  /**
   * The password was wrong: each counter's in-flight charge becomes a counted failure. (A right
   * password writes nothing: its charge stops counting on its own.)
   */
  async recordFailure(attempt: LoginAttempt): Promise<void> {
    await Promise.all(
      KINDS.map((kind) =>
        this.client
          .send(
            new UpdateCommand(
              withNames({
                TableName: this.tableName,
                Key: { key: attempt.keys[kind] },
                UpdateExpression: 'ADD #room :minusOne, #v :one DELETE #inflight :element',
                // Never on a vanished item: ADD would create one without a TTL.
                ConditionExpression: 'attribute_exists(#key)',
                ExpressionAttributeValues: { ':minusOne': -1, ':one': 1, ':element': new Set([attempt.element]) },
              }),
            ),
          )
          .catch((error: unknown) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }),
      ),
    );
  }

  /**
   * Forgets every counter of the username: across addresses and with each address (admin CLI
   * `user unlock`). The address counters stay: they are about the addresses, not this user. The pair
   * counters are found by a Scan on their key prefix: an operator's command, never a request path.
   * Returns how many counters were removed.
   */
  async clearUser(username: string): Promise<number> {
    const keys = [throttleKeys.user(username)];
    const prefix = pairPrefix(username);
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(#key, :prefix)',
          ExpressionAttributeNames: { '#key': 'key' },
          ExpressionAttributeValues: { ':prefix': prefix },
          ProjectionExpression: '#key',
          ExclusiveStartKey,
        }),
      );
      keys.push(...(page.Items ?? []).map((item) => String(item.key)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const removed = await Promise.all(
      keys.map(async (key) => (await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { key }, ReturnValues: 'ALL_OLD' }))).Attributes !== undefined),
    );
    return removed.filter(Boolean).length;
  }

  /** A counter as it stands (tests and operators): failures counted, attempts in flight, back-off. */
  async read(kind: CounterKind, key: string, now: Date = new Date()): Promise<{ failures: number; inflight: number; lockedUntil?: number } | undefined> {
    const item = await this.get(key);
    if (!item || item.expiresAt <= epochSeconds(now.getTime())) return undefined;
    return { failures: this.policies[kind].maxFailures - item.room, inflight: this.live(item, now.getTime()).length, lockedUntil: item.lockedUntil };
  }

  /** Adds the attempt's element where the counter has room (or creates the counter). */
  private chargeWithRoom(kind: CounterKind, attempt: LoginAttempt, nowMs: number): UpdateInput {
    const policy = this.policies[kind];
    return {
      TableName: this.tableName,
      Key: { key: attempt.keys[kind] },
      UpdateExpression: 'SET #room = if_not_exists(#room, :limit), #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #inflight :element, #v :one',
      ConditionExpression:
        'attribute_not_exists(#key) OR (#expiresAt > :nowS AND (attribute_not_exists(#lockedUntil) OR #lockedUntil <= :nowMs) AND ((attribute_not_exists(#inflight) AND #room > :zero) OR size(#inflight) < #room))',
      ExpressionAttributeValues: {
        ':limit': policy.maxFailures,
        ':expiresAt': epochSeconds(nowMs) + policy.windowSeconds,
        ':element': new Set([attempt.element]),
        ':one': 1,
        ':zero': 0,
        ':nowS': epochSeconds(nowMs),
        ':nowMs': nowMs,
      },
    };
  }

  /** The careful path for a counter that refused the plain charge, from its state as read. */
  private async decide(kind: CounterKind, attempt: LoginAttempt, stored: CounterItem | undefined, nowMs: number): Promise<Decision> {
    const policy = this.policies[kind];
    const key = attempt.keys[kind];
    if (!stored) return { update: this.chargeWithRoom(kind, attempt, nowMs) };
    const live = this.live(stored, nowMs);
    const sets: Record<string, unknown> = { ':inflight': new Set([...live, attempt.element]) };
    let update = 'SET #inflight = :inflight';
    if (stored.expiresAt <= epochSeconds(nowMs)) {
      // The window is over: start counting again (attempts still in flight keep counting).
      if (live.length >= policy.maxFailures) return { refuse: this.retryAfterInflight(live, nowMs) };
      update += ', #room = :limit, #expiresAt = :expiresAt REMOVE #lockedUntil';
      Object.assign(sets, { ':limit': policy.maxFailures, ':expiresAt': epochSeconds(nowMs) + policy.windowSeconds });
    } else if (stored.lockedUntil !== undefined && stored.lockedUntil > nowMs) {
      return { refuse: Math.ceil((stored.lockedUntil - nowMs) / 1000) };
    } else if (stored.room > 0) {
      if (live.length >= stored.room) return { refuse: this.retryAfterInflight(live, nowMs) };
      // Room after all once old charges (successes) are swept out: nothing else to change.
    } else {
      const failures = policy.maxFailures - stored.room;
      if (stored.lockedUntil === undefined) {
        // The limit was just reached: the first back-off starts now. Setting it is not a charge.
        await this.conditionalUpdate({
          TableName: this.tableName,
          Key: { key },
          UpdateExpression: 'SET #lockedUntil = :lockedUntil ADD #v :one',
          ConditionExpression: 'attribute_not_exists(#lockedUntil)',
          ExpressionAttributeValues: { ':lockedUntil': nowMs + lockoutSeconds(failures, policy) * 1000, ':one': 1 },
        });
        return { refuse: lockoutSeconds(failures, policy) };
      }
      // The back-off is over: one attempt, alone, and the next back-off is set as if it fails.
      if (live.length > 0) return { refuse: this.retryAfterInflight(live, nowMs) };
      const lockedUntil = nowMs + lockoutSeconds(failures + 1, policy) * 1000;
      update += ', #lockedUntil = :lockedUntil, #expiresAt = :expiresAt';
      Object.assign(sets, { ':lockedUntil': lockedUntil, ':expiresAt': Math.max(stored.expiresAt, epochSeconds(lockedUntil) + 1 + policy.windowSeconds) });
    }
    return {
      update: {
        TableName: this.tableName,
        Key: { key },
        UpdateExpression: `${update} ADD #v :one`,
        ConditionExpression: '#v = :v',
        ExpressionAttributeValues: { ...sets, ':v': stored.v, ':one': 1 },
      },
    };
  }

  /** The elements of attempts that may still be in flight. */
  private live(item: CounterItem, nowMs: number): string[] {
    const horizon = nowMs - this.policies.inflightSeconds * 1000;
    return item.inflight.filter((element) => Number(element.split(':')[0]) > horizon);
  }

  /** Until the oldest attempt in flight stops counting (it has usually finished long before). */
  private retryAfterInflight(live: string[], nowMs: number): number {
    const oldest = Math.min(...live.map((element) => Number(element.split(':')[0])));
    return Math.max(1, Math.ceil((oldest + this.policies.inflightSeconds * 1000 - nowMs) / 1000));
  }

  /** Runs the updates as one transaction; returns the indexes whose condition failed (none: done). */
  private async transact(updates: UpdateInput[]): Promise<number[]> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: updates.map((update) => ({ Update: withNames(update) })) }));
      return [];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.flatMap((reason, i) => (reason.Code === 'ConditionalCheckFailed' ? [i] : []));
      // Cancelled for another reason (a conflicting concurrent transaction): look at them all.
      return failed.length > 0 ? failed : updates.map((_, i) => i);
    }
  }

  private async get(key: string): Promise<CounterItem | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { key }, ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      room: Number(Item.room ?? 0),
      inflight: Item.inflight instanceof Set ? [...(Item.inflight as Set<string>)] : [],
      lockedUntil: Item.lockedUntil === undefined ? undefined : Number(Item.lockedUntil),
      expiresAt: Number(Item.expiresAt ?? 0),
      v: Number(Item.v ?? 0),
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

/** The first refusal among the counters' decisions (the longest wait if several refuse). */
function refusalOf(decisions: Decision[]): LoginThrottledError | undefined {
  let refusal: LoginThrottledError | undefined;
  decisions.forEach((decision, i) => {
    if ('refuse' in decision && (!refusal || decision.refuse > refusal.retryAfterSeconds)) {
      refusal = new LoginThrottledError(Math.max(1, decision.refuse), KINDS[i] as CounterKind);
    }
  });
  return refusal;
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

