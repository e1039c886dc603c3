/**
 * The login throttle's counters in the loginThrottle table, so every Lambda instance sees the same
 * counts. The policy (keys, back-off, decisions) is lib/auth/loginThrottle.ts; this file only reads
 * and writes. docs/security.md ("Login throttling") describes the model.
 *
 * Each counter item holds `room` (failures still allowed before the back-off: limit - failures) and
 * `inflight`, a string set with one element per attempt whose password check is running. An
 * attempt is charged *before* bcrypt (the CPU amplifier) by adding its element, on condition that
 * `size(inflight) < room` — the one comparison DynamoDB can make between two attributes, and the
 * reason for keeping `room` rather than a failure count. A failure then moves its element into the
 * count (`room - 1`). A success removes it from all three counters and resets the pair's failures
 * (`successParts`), inside the login's one success write. A charge nobody settles (a crashed
 * invocation) stops counting after `inflightSeconds` and is swept out when the set fills up. So a
 * parallel burst gets at most `room` password checks, and the common case is one transaction before
 * bcrypt for all three counters.
 *
 * Past the limit an attempt is let through only when the back-off has ended and nothing else is in
 * flight, by a compare-and-set (on the version `v`) that also sets the next back-off. All writes for
 * one attempt are one transaction, so an attempt refused by any counter (a 429) charges none of
 * them. A counter is forgotten `windowSeconds` after it started (or after its last back-off ended);
 * the TTL (`expiresAt`) deletes it later, so reads ignore expired items themselves.
 *
 * POST /authheader/revoke charges its one per-address counter the same way (`beginRevoke`), with
 * plain conditional UpdateItems only (one counter needs no transaction): a revocation of a live key
 * frees its charge (`release`), anything else counts as a failure.
 *
 * Login uses GetItem and UpdateItem (TransactWriteItems of Updates is authorised as UpdateItem); the
 * admin CLI's unlock also scans and deletes.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { decide, liveCharges, throttleKeys, type CounterKeys, type CounterKind, type CounterState, type Decision, type LoginCounterKind, type ThrottlePolicies } from '../auth/loginThrottle';
import { LoginThrottledError } from '../errors';
import { transact, type TransactionPart } from './transaction';

export type { CounterKind, ThrottlePolicies } from '../auth/loginThrottle';

/** The counters one attempt was charged to, and its element in each `inflight` set. */
export interface ThrottleAttempt<K extends CounterKind = CounterKind> {
  readonly keys: CounterKeys<K>;
  readonly element: string;
}
/** A login attempt (or a password change's credential check): the three login counters. */
export type LoginAttempt = ThrottleAttempt<LoginCounterKind>;
/** A revocation: the address's revoke counter. */
export type RevokeAttempt = ThrottleAttempt<'revoke'>;

/** Any attempt, whichever counters it was charged to. */
interface AnyAttempt {
  readonly keys: Readonly<Partial<Record<CounterKind, string>>>;
  readonly element: string;
}

/** The counters an attempt was charged to, in a fixed order. */
const kindsOf = (attempt: AnyAttempt): CounterKind[] => Object.keys(attempt.keys) as CounterKind[];

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

/** One counter's part of the attempt's transaction, or why the attempt is refused. */
type Step = { update: UpdateInput } | { refuse: number };

export class LoginThrottleRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policies: ThrottlePolicies,
    /** The key of the counters' HMACs (lib/auth/keys.ts getThrottleKeyHmacKey). */
    private readonly hmacKey: () => Promise<Uint8Array>,
  ) {}

  /** The three counters of (username, address), and the pair prefix of the username (operators, tests). */
  async keys(username: string, sourceIp: string): Promise<CounterKeys<LoginCounterKind>> {
    return throttleKeys(await this.hmacKey()).of(username, sourceIp);
  }

  /**
   * Charges one login attempt to the three counters, before any password check, or throws
   * LoginThrottledError having charged none. The answer depends only on the counters, never on
   * whether the username exists.
   */
  async beginAttempt(username: string, sourceIp: string, now: Date = new Date()): Promise<LoginAttempt> {
    return this.charge(await this.keys(username, sourceIp), now);
  }

  /**
   * Charges one revocation to its address's counter, before the token is looked at, or throws
   * LoginThrottledError (counter `revoke`) having charged nothing: the answer depends only on the
   * address, never on the token.
   */
  async beginRevoke(sourceIp: string, now: Date = new Date()): Promise<RevokeAttempt> {
    return this.charge({ revoke: throttleKeys(await this.hmacKey()).revoke(sourceIp) }, now);
  }

  private async charge<K extends CounterKind>(keys: CounterKeys<K>, now: Date): Promise<ThrottleAttempt<K>> {
    const nowMs = now.getTime();
    const attempt: ThrottleAttempt<K> = { keys, element: `${nowMs}:${randomBytes(6).toString('base64url')}` };
    const kinds = kindsOf(attempt);
    // The common case: every counter has room, one write (a transaction for several counters).
    let steps = kinds.map((kind): Step => ({ update: this.chargeWithRoom(kind, attempt, nowMs) }));
    for (let race = 0; race <= MAX_RACES; race++) {
      const refusal = refusalOf(kinds, steps);
      if (refusal) throw refusal;
      const updates = steps.map((step) => (step as { update: UpdateInput }).update);
      const failed =
        updates.length === 1
          ? // One counter (revoke's): a plain conditional UpdateItem, which concurrent calls queue
            // for instead of cancelling each other as transactions would.
            (await this.conditionalUpdate(updates[0] as UpdateInput)) ? [] : kinds
          : await transact(
              this.client,
              kinds.map((kind, i) => ({ name: kind, item: { Update: withNames(updates[i] as UpdateInput) } })),
              // A conflict with a concurrent attempt: read the counters and decide again (bounded by MAX_RACES).
              { conflicts: 'report' },
            );
      if (failed.length === 0) return attempt;
      // Look at the counters that said no (as they stood); the others keep their plain charge.
      steps = await Promise.all(
        kinds.map(async (kind): Promise<Step> => {
          if (!failed.includes(kind)) return { update: this.chargeWithRoom(kind, attempt, nowMs) };
          const decision = decide(this.policies[kind], this.policies.inflightSeconds, await this.get(keyOf(attempt, kind)), attempt.element, nowMs);
          return this.stepFor(kind, attempt, decision, nowMs);
        }),
      );
    }
    throw new LoginThrottledError(1, kinds[0] as CounterKind);
  }

  /** The password was wrong (or the revocation revoked nothing): each counter's in-flight charge becomes a counted failure. */
  async recordFailure(attempt: AnyAttempt): Promise<void> {
    await Promise.all(
      kindsOf(attempt).map((kind) =>
        this.conditionalUpdate({
          TableName: this.tableName,
          Key: { key: keyOf(attempt, kind) },
          UpdateExpression: 'ADD #room :minusOne, #v :one DELETE #inflight :element',
          // Never on a vanished item: ADD would create one without a TTL.
          ConditionExpression: 'attribute_exists(#key)',
          ExpressionAttributeValues: { ':minusOne': -1, ':one': 1, ':element': new Set([attempt.element]) },
        }),
      ),
    );
  }

  /**
   * The password was right: the parts that settle the attempt, for the success write (one
   * transaction with the session). Every counter frees the attempt's in-flight charge; the pair
   * (this username from this address) also forgets its failures and any back-off: failures count
   * consecutively (NIST SP 800-63B). The username's all-address and the address's all-username
   * counts stay: an owner's login must not hand a distributed guesser or a sprayer a fresh budget
   * (docs/security.md). No conditions: on a counter that vanished meanwhile (TTL, unlock) each
   * write leaves a fresh counter with its TTL, so the session write can never fail because of them.
   *
   * `resetPair: false` only frees the charge (for an attempt that proved the password but did not
   * complete the login, e.g. MFA's "code required": it neither counts as a failure nor clears any).
   */
  successParts(attempt: LoginAttempt, now: Date = new Date(), { resetPair = true }: { resetPair?: boolean } = {}): TransactionPart[] {
    const nowS = Math.floor(now.getTime() / 1000);
    return kindsOf(attempt).map((kind) => {
      const policy = this.policies[kind];
      const update =
        kind === 'pair' && resetPair
          ? 'SET #room = :limit, #expiresAt = :expiresAt REMOVE #lockedUntil ADD #v :one DELETE #inflight :element'
          : 'SET #room = if_not_exists(#room, :limit), #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #v :one DELETE #inflight :element';
      return {
        name: `throttle.${kind}`,
        item: {
          Update: withNames({
            TableName: this.tableName,
            Key: { key: keyOf(attempt, kind) },
            UpdateExpression: update,
            ExpressionAttributeValues: { ':limit': policy.maxFailures, ':expiresAt': nowS + policy.windowSeconds, ':one': 1, ':element': new Set([attempt.element]) },
          }),
        },
      };
    });
  }

  /**
   * A revocation that revoked a live key: its charge freed, counting nothing. A plain conditional
   * UpdateItem (never on a vanished counter), like the charge, so parallel revocations from one
   * address never meet a transaction on their counter.
   */
  async release(attempt: RevokeAttempt): Promise<void> {
    await this.conditionalUpdate({
      TableName: this.tableName,
      Key: { key: keyOf(attempt, 'revoke') },
      UpdateExpression: 'ADD #v :one DELETE #inflight :element',
      ConditionExpression: 'attribute_exists(#key)',
      ExpressionAttributeValues: { ':one': 1, ':element': new Set([attempt.element]) },
    });
  }


  /**
   * Forgets every counter of the username: across addresses and with each address (admin CLI
   * `user unlock`). The address counters stay: they are about the addresses, not this user. The pair
   * counters are found by a Scan on their key prefix: an operator's command, never a request path.
   * Returns how many counters were removed.
   */
  async clearUser(username: string): Promise<number> {
    const keys = throttleKeys(await this.hmacKey());
    const found = [keys.user(username)];
    const prefix = keys.pairPrefix(username);
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
      found.push(...(page.Items ?? []).map((item) => String(item.key)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const removed = await Promise.all(
      found.map(async (key) => (await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { key }, ReturnValues: 'ALL_OLD' }))).Attributes !== undefined),
    );
    return removed.filter(Boolean).length;
  }

  /** A counter as it stands (tests and operators): failures counted, attempts in flight, back-off. */
  async read(kind: CounterKind, key: string, now: Date = new Date()): Promise<{ failures: number; inflight: number; lockedUntil?: number } | undefined> {
    const item = await this.get(key);
    if (!item || item.expiresAt <= Math.floor(now.getTime() / 1000)) return undefined;
    return {
      failures: this.policies[kind].maxFailures - item.room,
      inflight: liveCharges(item.inflight, now.getTime(), this.policies.inflightSeconds).length,
      lockedUntil: item.lockedUntil,
    };
  }

  /** Adds the attempt's element where the counter has room (or creates the counter). */
  private chargeWithRoom(kind: CounterKind, attempt: AnyAttempt, nowMs: number): UpdateInput {
    const policy = this.policies[kind];
    return {
      TableName: this.tableName,
      Key: { key: keyOf(attempt, kind) },
      UpdateExpression: 'SET #room = if_not_exists(#room, :limit), #expiresAt = if_not_exists(#expiresAt, :expiresAt) ADD #inflight :element, #v :one',
      ConditionExpression:
        'attribute_not_exists(#key) OR (#expiresAt > :nowS AND (attribute_not_exists(#lockedUntil) OR #lockedUntil <= :nowMs) AND ((attribute_not_exists(#inflight) AND #room > :zero) OR size(#inflight) < #room))',
      ExpressionAttributeValues: {
        ':limit': policy.maxFailures,
        ':expiresAt': Math.floor(nowMs / 1000) + policy.windowSeconds,
        ':element': new Set([attempt.element]),
        ':one': 1,
        ':zero': 0,
        ':nowS': Math.floor(nowMs / 1000),
        ':nowMs': nowMs,
      },
    };
  }

  /** A counter's decision as its write (or refusal). */
  private async stepFor(kind: CounterKind, attempt: AnyAttempt, decision: Decision, nowMs: number): Promise<Step> {
    const key = keyOf(attempt, kind);
    switch (decision.kind) {
      case 'charge':
        return { update: this.chargeWithRoom(kind, attempt, nowMs) };
      case 'refuse':
        if (decision.startBackoffUntil !== undefined) {
          // Recording when the back-off started is not a charge.
          await this.conditionalUpdate({
            TableName: this.tableName,
            Key: { key },
            UpdateExpression: 'SET #lockedUntil = :lockedUntil ADD #v :one',
            ConditionExpression: 'attribute_not_exists(#lockedUntil)',
            ExpressionAttributeValues: { ':lockedUntil': decision.startBackoffUntil, ':one': 1 },
          });
        }
        return { refuse: decision.retryAfterSeconds };
      case 'swap': {
        const values: Record<string, unknown> = { ':inflight': new Set(decision.inflight), ':v': decision.v, ':one': 1 };
        let update = 'SET #inflight = :inflight';
        let remove = '';
        if (decision.restart) {
          update += ', #room = :limit, #expiresAt = :expiresAt';
          remove = ' REMOVE #lockedUntil';
          Object.assign(values, { ':limit': decision.restart.room, ':expiresAt': decision.restart.expiresAt });
        }
        if (decision.backoff) {
          update += ', #lockedUntil = :lockedUntil, #expiresAt = :expiresAt';
          Object.assign(values, { ':lockedUntil': decision.backoff.lockedUntil, ':expiresAt': decision.backoff.expiresAt });
        }
        return { update: { TableName: this.tableName, Key: { key }, UpdateExpression: `${update}${remove} ADD #v :one`, ConditionExpression: '#v = :v', ExpressionAttributeValues: values } };
      }
    }
  }

  private async get(key: string): Promise<CounterState | undefined> {
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

/** The first refusal among the counters' steps (the longest wait if several refuse). */
function refusalOf(kinds: readonly CounterKind[], steps: Step[]): LoginThrottledError | undefined {
  let refusal: LoginThrottledError | undefined;
  steps.forEach((step, i) => {
    if ('refuse' in step && (!refusal || step.refuse > refusal.retryAfterSeconds)) {
      refusal = new LoginThrottledError(Math.max(1, step.refuse), kinds[i] as CounterKind);
    }
  });
  return refusal;
}

/** The item key of one of the attempt's counters. */
function keyOf(attempt: AnyAttempt, kind: CounterKind): string {
  return attempt.keys[kind] as string;
}

type UpdateInput = Omit<ConstructorParameters<typeof UpdateCommand>[0], 'ExpressionAttributeNames'> & { UpdateExpression: string; ConditionExpression?: string };

/** Adds the attribute-name aliases an update uses (DynamoDB refuses unused ones). */
function withNames<T extends UpdateInput>(input: T): T & { ExpressionAttributeNames: Record<string, string> } {
  const expressions = `${input.UpdateExpression} ${input.ConditionExpression ?? ''}`;
  return { ...input, ExpressionAttributeNames: Object.fromEntries(Object.entries(NAMES).filter(([alias]) => expressions.includes(alias))) };
}
