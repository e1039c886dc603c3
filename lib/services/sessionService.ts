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
import { generateRefreshToken, hashRefreshToken, newSessionId, parseRefreshToken } from '../auth/refreshTokens';
import { profileMatches, USED_KEPT, type SessionProfile, type SessionRef, type StoredSession } from '../data/sessionRepository';
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
  PasswordExpiration: string;
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
  reused: 'refresh token: reused after its grace; session ended',
  graceSpent: 'refresh token: grace retry already spent',
  race: 'refresh token: a concurrent rotation won',
};

type ProfileForSession = Pick<SessionProfile, 'id' | 'username' | 'email' | 'firstname' | 'lastname' | 'created' | 'passwordVersion' | 'sessionEpoch' | 'passwordExpiration'>;

export const sessionRefOf = (claims: SessionClaims): SessionRef => ({
  sid: claims.sid,
  userId: claims.sub,
  username: claims.username,
  passwordVersion: claims.pwv,
  sessionEpoch: claims.sep,
});

export function isPasswordExpired(profile: Pick<SessionProfile, 'passwordExpiration'>, now: Date): boolean {
  return Date.parse(profile.passwordExpiration) <= now.getTime();
}

function loginResponse(profile: ProfileForSession, token: string, refreshToken: string): LoginResponse {
  return {
    Id: profile.id,
    Created: profile.created,
    Username: profile.username,
    Email: profile.email,
    Firstname: profile.firstname,
    Lastname: profile.lastname,
    Token: token,
    PasswordExpiration: profile.passwordExpiration,
    RefreshToken: refreshToken,
  };
}

/** A JWT and a fresh refresh token for `session`, and the refresh token's hash to store. */
async function mint(profile: ProfileForSession, session: Pick<StoredSession, 'sid' | 'passwordVersion' | 'sessionEpoch' | 'expiresAt' | 'amr'>, now: Date) {
  const refreshToken = generateRefreshToken({ username: profile.username, sid: session.sid });
  const [{ token }, hmacKey] = await Promise.all([issueSessionToken(profile, session, now), getRefreshTokenHmacKey()]);
  return { token, refreshToken, refreshTokenHash: hashRefreshToken(refreshToken, hmacKey) };
}

/**
 * A new session for a user whose password was just proven (and is not expired): the item to store
 * and the login body to answer once it is stored. The caller writes the item — alone (login) or
 * inside its own transaction (password change).
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
  const item: StoredSession = { ...binding, amr: [...amr], userId: profile.id, username: profile.username, created: utcTimestamp(now), live: [refreshTokenHash], used: [], graceSpent: false, rev: 0 };
  return { item, response: loginResponse(profile, token, refreshToken) };
}

/** Starts and stores a new session (login): the login body to answer. */
export async function startSession(profile: ProfileForSession, now: Date = new Date()): Promise<LoginResponse> {
  const { item, response } = await prepareSession(profile, now);
  await sessions.start(item);
  return response;
}

/**
 * The one session check for a verified JWT outside a route's own transaction (the authorizer, GET
 * /user/me): profile and session in one round trip. Answers the profile (without the hash); throws
 * InvalidSessionError when the session has ended or expired, belongs to a password or session epoch
 * the user has moved past, or the user is gone. (GET /authheader/list makes the same check with a
 * leaner projection, in parallel with its Query; writes make it as two ConditionChecks.)
 */
export async function assertSessionActive(claims: SessionClaims, now: Date = new Date()): Promise<SessionProfile> {
  const profile = await sessions.activeProfile(sessionRefOf(claims), now);
  if (!profile) throw new InvalidSessionError('the session has ended');
  return profile;
}

/**
 * POST /user/refresh. One strongly consistent read (session + profile) and one conditional write.
 * - A live token rotates: a new pair, the token used up.
 * - The token used last, retried within REFRESH_GRACE_MS, gets one more pair (the answer to the
 *   first try may have been lost); both new tokens stay live until one of them is used.
 * - A used token outside that grace ends the whole session (reuse: someone else has it).
 * - Anything else (unknown, forged, of an ended or expired session, a lost race) is a 401 that
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

  const hash = hashRefreshToken(refreshToken, hmacKey);
  const lastUsed = session.used.at(-1);
  const withinGrace = hash === lastUsed && session.lastUsedAt !== undefined && now.getTime() - session.lastUsedAt <= REFRESH_GRACE_MS;
  const isLive = session.live.includes(hash);

  if (!isLive && !withinGrace) {
    if (!session.used.includes(hash)) throw new InvalidRefreshTokenError(REFUSED.unknown);
    await sessions.end(session.sid);
    audit('session.reuse_detected', context, { userId: session.userId, username: profile.username, sessionId: session.sid, reason: 'reuse_detected' });
    throw new InvalidRefreshTokenError(REFUSED.reused);
  }
  // Only a holder of a valid token learns that the password has expired; nothing is used up.
  if (isPasswordExpired(profile, now)) throw new PasswordExpiredError(PASSWORD_EXPIRED);
  if (!isLive && session.graceSpent) throw new InvalidRefreshTokenError(REFUSED.graceSpent);

  const { token, refreshToken: next, refreshTokenHash } = await mint(profile, session, now);
  const advanced = isLive
    ? { live: [refreshTokenHash], used: [...session.used, hash].slice(-USED_KEPT), lastUsedAt: now.getTime(), graceSpent: false }
    : { live: [...session.live, refreshTokenHash], used: session.used, lastUsedAt: session.lastUsedAt, graceSpent: true };
  // A concurrent rotation of the same read won: this one is the loser of the race, 401, no change.
  if (!(await sessions.advance(session, advanced))) throw new InvalidRefreshTokenError(REFUSED.race);
  audit('session.refreshed', context, { userId: profile.id, username: profile.username, sessionId: session.sid });
  return loginResponse(profile, token, next);
}

/** POST /user/logout: ends the JWT's session, or with `all` every session of its user. */
export async function logout(claims: SessionClaims, all: boolean, context: AuditContext, now: Date = new Date()): Promise<void> {
  await sessions.logout(sessionRefOf(claims), all, now);
  audit('session.ended', context, { userId: claims.sub, username: claims.username, sessionId: claims.sid, ...(all ? { reason: 'logout_all' as const } : {}) });
}
