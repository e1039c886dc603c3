/**
 * The authorizer's decision: who is calling, from the `Authorization` header, for the API Gateway
 * authorizer (functions/authorizer.ts) in front of any API that uses this service's credentials.
 *
 * - a session JWT: verified as on the JWT routes, then `checkSession` (the profile still matches);
 * - an auth-header token: HMAC, one strongly consistent GetItem of its lookup item, not expired,
 *   and its owner still the user of that name (a deleted user's keys stop at once, even before the
 *   admin CLI has removed them all). `lastUsed` is recorded on the side (see recordUse).
 *
 * Answers are remembered in the function for at most AUTHORIZER_CACHE_SECONDS (and never past a
 * key's expiry or a JWT's `exp`): the same bound the contract sets for the gateway's cache.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAuthorization } from '../auth/credentials';
import { type SessionClaims, verifySessionToken } from '../auth/jwt';
import { getTokenHmacKey } from '../auth/keys';
import { hashToken } from '../auth/tokens';
import { type AddressRange, isAllowedFrom, parseRanges } from '../auth/allowedAddresses';
import { config } from '../config';
import { authHeaders, sessions, users } from '../data/repositories';
import { DependencyUnavailableError, InvalidSessionError } from '../errors';
import { log } from '../log';
import { sessionRefOf } from './sessionService';
import { utcTimestamp } from '../time';

export type AuthMethod = 'jwt' | 'authheader';

/** Who the caller is: what the authorizer hands to the API behind it. */
export interface CallerIdentity {
  userId: string;
  username: string;
  authMethod: AuthMethod;
  /** The auth header's id, when the credential is one. */
  authHeaderId?: string;
  /** The key's scopes, when it has any. */
  scopes?: string[];
}

/**
 * The check every JWT accepted by the authorizer passes after its signature and claims: its session
 * is still alive (not logged out, not ended by reuse detection, not expired) and still belongs to the
 * stored user (same id, password version and session epoch): the JWT routes' own check
 * (SessionRepository.isActive), one BatchGetItem of profile and session.
 */
export async function checkSession(claims: SessionClaims): Promise<CallerIdentity> {
  if (!(await sessions.isActive(sessionRefOf(claims)))) {
    throw new InvalidSessionError('the session has ended or does not match the stored user', { refusal: 'session_ended' });
  }
  return { userId: claims.sub, username: claims.username, authMethod: 'jwt' };
}

interface Answer {
  identity: CallerIdentity;
  /** The key's lookup hash, kept so a remembered key's use can be recorded without the HMAC. */
  tokenHash?: string;
  /** The key's allowed addresses, parsed once: checked on every use, remembered or not. */
  allowed?: AddressRange[];
}

/** Remembered answers, by the exact credential string. */
export class AnswerCache {
  private readonly entries = new Map<string, Answer & { until: number }>();

  constructor(
    readonly ttlSeconds: number,
    private readonly maxEntries = 1000,
  ) {}

  get(credential: string, nowMs: number): Answer | undefined {
    const entry = this.entries.get(credential);
    if (!entry) return undefined;
    if (nowMs < entry.until) return entry;
    this.entries.delete(credential);
    return undefined;
  }

  /** Remembers an answer until `validUntilMs` or the TTL, whichever comes first. */
  set(credential: string, answer: Answer, nowMs: number, validUntilMs: number): void {
    if (this.ttlSeconds === 0) return;
    // Oldest first out: a flood of distinct valid credentials cannot grow the map without bound.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(credential, { ...answer, until: Math.min(nowMs + this.ttlSeconds * 1000, validUntilMs) });
  }
}

const answers = new AnswerCache(config.authorizerCacheSeconds);

// lastUsed is written at most this often per key; the contract says so.
const LAST_USED_INTERVAL_MS = 5 * 60_000;
// How long a verification waits for its lastUsed write once its own reads are done. The write runs
// alongside the profile read, so it is normally finished by then; waiting for it keeps Lambda from
// freezing it mid-flight, and the bound keeps a slow write from slowing the answer.
const LAST_USED_WAIT_MS = 50;
const recordedAt = new Map<string, number>();

/**
 * Records the key's use unless this function did within the interval (the conditional update also
 * refuses if any other instance did). Never rejects: a failure is logged and forgotten.
 */
function recordUse(userId: string, headerId: string, tokenHash: string, nowMs: number): Promise<void> | undefined {
  const last = recordedAt.get(tokenHash);
  if (last !== undefined && nowMs - last < LAST_USED_INTERVAL_MS) return undefined;
  if (recordedAt.size >= 10_000) recordedAt.delete(recordedAt.keys().next().value as string);
  recordedAt.set(tokenHash, nowMs);
  return authHeaders.recordUse(userId, tokenHash, utcTimestamp(new Date(nowMs)), utcTimestamp(new Date(nowMs - LAST_USED_INTERVAL_MS))).then(
    () => undefined,
    (error: unknown) => {
      recordedAt.delete(tokenHash);
      log.warn('could not record an auth header use', { headerId, error: { name: (error as Error)?.name, message: (error as Error)?.message } });
    },
  );
}

async function settledWithin(work: Promise<void> | undefined, ms: number): Promise<void> {
  if (work) await Promise.race([work, sleep(ms, undefined, { ref: false })]);
}

type Checked = Answer & { validUntilMs: number };

async function checkAuthHeader(token: string, nowMs: number): Promise<Checked> {
  const tokenHash = hashToken(token, await getTokenHmacKey());
  const owner = await authHeaders.findOwnerByTokenHash(tokenHash);
  if (!owner) throw new InvalidSessionError('unknown auth header', { refusal: 'revoked' });
  if (owner.revokedAt !== undefined) throw new InvalidSessionError('auth header revoked', { refusal: 'revoked' });
  // A token rolled away works until the end of its grace: remembered no longer than that either.
  const expiresMs = Math.min(owner.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(owner.expiresAt), owner.retiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(owner.retiresAt));
  if (!(nowMs < expiresMs)) throw new InvalidSessionError('auth header expired or rolled', { refusal: 'expired' });
  const use = recordUse(owner.userId, owner.headerId, tokenHash, nowMs);
  const profile = await users.findIdentity(owner.username);
  if (profile?.id !== owner.userId) throw new InvalidSessionError("auth header's owner no longer exists", { refusal: 'revoked' });
  await settledWithin(use, LAST_USED_WAIT_MS);
  const identity: CallerIdentity = { userId: owner.userId, username: owner.username, authMethod: 'authheader', authHeaderId: owner.headerId, ...(owner.scopes?.length ? { scopes: owner.scopes } : {}) };
  return { identity, tokenHash, validUntilMs: expiresMs, ...(owner.allowedCidrs?.length ? { allowed: parseRanges(owner.allowedCidrs) } : {}) };
}

async function checkJwt(token: string, now: Date): Promise<Checked> {
  let claims: SessionClaims;
  try {
    claims = await verifySessionToken(token, now);
  } catch (cause) {
    // The key store failing says nothing about the token: not a refusal.
    if (cause instanceof DependencyUnavailableError) throw cause;
    throw new InvalidSessionError('invalid session token', { cause });
  }
  return { identity: await checkSession(claims), validUntilMs: claims.exp * 1000 };
}

/** A key with allowed addresses is refused from any other (also when its answer is remembered). */
function checkAddress(answer: Answer, sourceIp: string | undefined): void {
  if (answer.allowed && !isAllowedFrom(sourceIp, answer.allowed)) throw new InvalidSessionError('auth header used from an address it is not allowed from', { refusal: 'address_not_allowed' });
}

/**
 * The caller behind an `Authorization` header value, from `sourceIp` (the client's address as the
 * gateway saw it), or InvalidSessionError (the same for every reason). Other errors (DynamoDB,
 * keys) propagate: the caller is not refused for our failure.
 */
export async function authenticate(authorization: string | undefined, now: Date = new Date(), cache: AnswerCache = answers, sourceIp?: string, api?: string): Promise<CallerIdentity> {
  const credential = parseAuthorization(authorization);
  if (!credential) throw new InvalidSessionError('no credential of ours in the Authorization header');
  const nowMs = now.getTime();
  // Keyed as the gateway's own cache is (per API, on the credential and the client's address): an
  // answer the gateway then caches for AUTHORIZER_CACHE_SECONDS was never served from here for a
  // key the gateway had not itself cached, so the two caches never stack beyond that bound.
  const cacheKey = `${api ?? ''}\0${sourceIp ?? ''}\0${credential.token}`;
  const remembered = cache.get(cacheKey, nowMs);
  if (remembered) {
    checkAddress(remembered, sourceIp);
    const { identity, tokenHash } = remembered;
    // Still a use of the key; the interval check makes this a Map lookup nearly always.
    if (tokenHash !== undefined && identity.authHeaderId !== undefined) {
      const use = recordUse(identity.userId, identity.authHeaderId, tokenHash, nowMs);
      if (use) await settledWithin(use, LAST_USED_WAIT_MS);
    }
    return identity;
  }
  const { validUntilMs, ...answer } = credential.kind === 'authheader' ? await checkAuthHeader(credential.token, nowMs) : await checkJwt(credential.token, now);
  // Remembered even when this address is refused: its next call is refused again without a read.
  cache.set(cacheKey, answer, nowMs, validUntilMs);
  checkAddress(answer, sourceIp);
  return answer.identity;
}
