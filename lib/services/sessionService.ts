/**
 * Sessions: starting one (login, password change), refreshing it with rotation and reuse
 * detection, ending it (logout), and the one check every JWT path makes — "is this verified JWT's
 * session still alive?". The model is described in docs/sessions.md.
 */
import { audit, type AuditContext } from '../audit';
import { config } from '../config';
import { InvalidRefreshTokenError, InvalidSessionError, PasswordExpiredError } from '../errors';
import { AMR_PASSWORD, type AuthenticationMethods, issueSessionToken, type SessionClaims } from '../auth/jwt';
import { getRefreshTokenHmacKey } from '../auth/keys';
import { generateRefreshToken, hashRefreshToken, newSessionId, parseRefreshToken, successorToken } from '../auth/refreshTokens';
import { profileMatches, USED_KEPT, type SessionRef, type StoredSession } from '../data/sessionRepository';
import type { PublicUser } from '../data/userRepository';
import { sessions } from '../data/repositories';
import { utcTimestamp } from '../time';

/** The contract's login body (PascalCase, as in the product's reference), with the refresh token. */
export interface LoginResponse {
  Id: string;
  Created: string;
  Username: string;
  Email: string;
  Firstname: string;
  Lastname: string;
  Token: string;
  /** Absent when the password never expires (PASSWORD_MAX_AGE_DAYS=0, or an administrator's `never`). */
  PasswordExpiration?: string;
  RefreshToken: string;
}

/** A retry of the refresh token just used may still succeed (once) for this long. */
export const REFRESH_GRACE_MS = 10_000;

export const PASSWORD_EXPIRED = 'Password expired; set a new one with POST /user/password';
// The reasons, for the log line only: the client's answer is the same whatever it is.
const REFUSED = {
  malformed: 'refresh token: not one of ours',
  ended: 'refresh token: session ended, expired, or its user changed password, logged out everywhere or was deleted',
  unknown: 'refresh token: unknown in its session',
  idle: 'refresh token: session idle for longer than SESSION_IDLE_TIMEOUT_SECONDS',
  reused: 'refresh token: reused after its grace; session ended',
  successorGone: 'refresh token: retried within the grace, but its successor is no longer live',
  race: 'refresh token: a concurrent rotation won, or the session went idle',
};

type ProfileForSession = Pick<PublicUser, 'id' | 'username' | 'email' | 'firstname' | 'lastname' | 'created' | 'passwordVersion' | 'sessionEpoch' | 'passwordExpiration'>;

export const sessionRefOf = (claims: SessionClaims): SessionRef => ({
  sid: claims.sid,
  userId: claims.sub,
  username: claims.username,
  passwordVersion: claims.pwv,
  sessionEpoch: claims.sep,
});

export function isPasswordExpired(profile: Pick<PublicUser, 'passwordExpiration'>, now: Date): boolean {
  return profile.passwordExpiration !== undefined && Date.parse(profile.passwordExpiration) <= now.getTime();
}

/** Epoch ms of a session's last activity (its start for sessions stored before lastUsedAt was kept at start). */
const lastActiveMs = (session: StoredSession) => session.lastUsedAt ?? Date.parse(session.created);

function loginResponse(profile: ProfileForSession, token: string, refreshToken: string): LoginResponse {
  return {
    Id: profile.id,
    Created: profile.created,
    Username: profile.username,
    Email: profile.email,
    Firstname: profile.firstname,
    Lastname: profile.lastname,
    Token: token,
    ...(profile.passwordExpiration !== undefined ? { PasswordExpiration: profile.passwordExpiration } : {}),
    RefreshToken: refreshToken,
  };
}

/** A JWT and the refresh token (new, or the successor of `used`) for `session`, with the refresh token's hash to store. */
async function mint(profile: ProfileForSession, session: Pick<StoredSession, 'sid' | 'passwordVersion' | 'sessionEpoch' | 'expiresAt' | 'amr'>, now: Date, used?: string) {
  const [{ token }, hmacKey] = await Promise.all([issueSessionToken(profile, session, now), getRefreshTokenHmacKey()]);
  const parts = { username: profile.username, sid: session.sid };
  const refreshToken = used === undefined ? generateRefreshToken(parts) : successorToken(used, parts, hmacKey);
  return { token, refreshToken, refreshTokenHash: hashRefreshToken(refreshToken, hmacKey) };
}

/**
 * A new session for a user whose password was just proven (and is not expired): the item to store
 * and the login body to answer once it is stored. The caller stores the item with its success write
 * (lib/services/successWrite.ts: SessionRepository.startPart).
 */
export async function prepareSession(profile: ProfileForSession, now: Date = new Date(), amr: AuthenticationMethods = AMR_PASSWORD): Promise<{ item: StoredSession; response: LoginResponse }> {
  const binding = {
    sid: newSessionId(),
    passwordVersion: profile.passwordVersion,
    sessionEpoch: profile.sessionEpoch,
    expiresAt: Math.floor(now.getTime() / 1000) + config.refreshTokenTtlSeconds,
    amr,
  };
  const { token, refreshToken, refreshTokenHash } = await mint(profile, binding, now);
  const item: StoredSession = { ...binding, amr: [...amr], userId: profile.id, username: profile.username, created: utcTimestamp(now), live: [refreshTokenHash], used: [], lastUsedAt: now.getTime(), rev: 0 };
  return { item, response: loginResponse(profile, token, refreshToken) };
}

/**
 * POST /user/refresh. One strongly consistent read (session + profile) and one conditional write.
 * - A live token rotates: its successor is answered, the token used up. The write is conditioned
 *   on the read's `rev` and on the session having been active within SESSION_IDLE_TIMEOUT_SECONDS.
 * - The token used last, retried within REFRESH_GRACE_MS, gets the *same* successor again (the
 *   answer to the first try may have been lost) and writes nothing: one chain, whoever retries, so
 *   reuse detection later ends it for the thief and the victim alike.
 * - A used token outside that grace ends the whole session (reuse: someone else has it).
 * - Anything else (unknown, forged, of an ended, expired or idle session, a lost race) is a 401 that
 *   changes nothing. A valid token of a user whose password has expired is a 403.
 */
export async function refreshSession(refreshToken: string, context: AuditContext, now: Date = new Date()): Promise<LoginResponse> {
  const parts = parseRefreshToken(refreshToken);
  if (!parts) throw new InvalidRefreshTokenError(REFUSED.malformed);
  const [{ session, profile }, hmacKey] = await Promise.all([sessions.readWithProfile(parts.sid, parts.username), getRefreshTokenHmacKey()]);
  const alive =
    session !== undefined &&
    session.username === parts.username &&
    session.expiresAt > now.getTime() / 1000 &&
    profileMatches(profile, { userId: session.userId, passwordVersion: session.passwordVersion, sessionEpoch: session.sessionEpoch });
  if (!alive || !profile) throw new InvalidRefreshTokenError(REFUSED.ended);
  const idleCutoffMs = now.getTime() - config.sessionIdleTimeoutSeconds * 1000;
  if (lastActiveMs(session) <= idleCutoffMs) throw new InvalidRefreshTokenError(REFUSED.idle);

  const hash = hashRefreshToken(refreshToken, hmacKey);
  const withinGrace = hash === session.used.at(-1) && session.lastUsedAt !== undefined && now.getTime() - session.lastUsedAt <= REFRESH_GRACE_MS;
  const isLive = session.live.includes(hash);

  if (!isLive && !withinGrace) {
    if (!session.used.includes(hash)) throw new InvalidRefreshTokenError(REFUSED.unknown);
    await sessions.end(session.sid);
    audit('session.reuse_detected', context, { userId: session.userId, username: profile.username, sessionId: session.sid, reason: 'reuse_detected' });
    throw new InvalidRefreshTokenError(REFUSED.reused);
  }
  // Only a holder of a valid token learns that the password has expired; nothing is used up.
  if (isPasswordExpired(profile, now)) throw new PasswordExpiredError(PASSWORD_EXPIRED);

  const { token, refreshToken: next, refreshTokenHash } = await mint(profile, session, now, refreshToken);
  if (isLive) {
    const advanced = { live: [refreshTokenHash], used: [...session.used, hash].slice(-USED_KEPT), lastUsedAt: now.getTime() };
    // A concurrent rotation of the same read won (or the session just went idle): 401, no change.
    if (!(await sessions.advance(session, advanced, idleCutoffMs))) throw new InvalidRefreshTokenError(REFUSED.race);
  } else if (!session.live.includes(refreshTokenHash)) {
    // The successor was itself rotated already: its holder is past this token.
    throw new InvalidRefreshTokenError(REFUSED.successorGone);
  }
  audit('session.refreshed', context, { userId: profile.id, username: profile.username, sessionId: session.sid });
  return loginResponse(profile, token, next);
}

/** POST /user/logout: ends the JWT's session, or with `all` every session of its user. */
export async function logout(claims: SessionClaims, all: boolean, context: AuditContext, now: Date = new Date()): Promise<void> {
  await sessions.logout(sessionRefOf(claims), all, now);
  audit('session.ended', context, { userId: claims.sub, username: claims.username, sessionId: claims.sid, ...(all ? { reason: 'logout_all' as const } : {}) });
}
