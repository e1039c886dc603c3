/**
 * Domain errors: what went wrong in the service's own terms, with no HTTP in sight. lib/data and
 * lib/services throw only these (or let unexpected errors through); the HTTP layer
 * (lib/http/errors.ts) maps each kind to a status in one place, and the admin CLI maps them to its
 * own messages and exit codes.
 *
 * A message here may reach a client (for the kinds the HTTP layer exposes) and is logged with the
 * error's own fields, so neither ever contains request text (what was typed, a token, a body): the
 * admin CLI adds the username it was given to its own messages.
 */

export abstract class DomainError extends Error {
  /** The message when none is given: a kind with one fixed text declares it here. */
  static readonly defaultMessage?: string;

  constructor(message?: string, options?: { cause?: unknown }) {
    super(message ?? (new.target as typeof DomainError).defaultMessage ?? new.target.name, options);
    this.name = new.target.name;
  }
}

type Options = { cause?: unknown };

/** The input breaks a rule of the service (a password policy, a date out of range, ...): 400. */
export class InvalidInputError extends DomainError {}

/** Unknown username or wrong password, deliberately indistinguishable: 401. */
export class InvalidCredentialsError extends DomainError { static override readonly defaultMessage = 'Incorrect username or password'; }

/**
 * The password is right but the user has MFA on and sent no `code`: 401 with `MfaRequired: true`,
 * the one 401 that says the password was right (the contract's "Multi-factor authentication").
 */
export class MfaRequiredError extends InvalidCredentialsError {
  constructor(message = 'A second factor is required: send "code" (a TOTP code or a recovery code)', options?: Options) {
    super(message, options);
  }
}

/**
 * The presented session or credential is not (or no longer) valid: missing, malformed, expired,
 * ended, from before a password change, of a deleted user: 401 with `WWW-Authenticate: Bearer`.
 */
export class InvalidSessionError extends DomainError {
  constructor(
    message?: string,
    options?: Options & {
      /**
       * Why, as a fixed code for the audit trail (never request text): the credential is not one of
       * ours or is malformed, is past its expiry, was revoked (deleted key, changed password, deleted
       * user), or its session was ended.
       */
      refusal?: SessionRefusal;
    },
  ) {
    super(message, options);
    this.refusal = options?.refusal ?? 'invalid_token';
  }

  readonly refusal: SessionRefusal;
}

export type SessionRefusal = 'invalid_token' | 'expired' | 'revoked' | 'session_ended' | 'address_not_allowed';

/** The session no longer matches the stored user (deleted, or password changed since). */
export class StaleSessionError extends InvalidSessionError { static override readonly defaultMessage = 'session does not match the stored user'; }

/** A refresh token that is unknown, used up, expired, or of an ended session: 401. */
export class InvalidRefreshTokenError extends InvalidSessionError {}

/** The password is right but expired: 403, no token. */
export class PasswordExpiredError extends DomainError { static override readonly defaultMessage = 'Password expired; set a new one with POST /user/password'; }

/** Something the caller named does not exist (or is not theirs, indistinguishably): 404. */
export class NotFoundError extends DomainError {}
export class UserNotFoundError extends NotFoundError { static override readonly defaultMessage = 'User not found'; }
/** No such token for this owner (absent, or someone else's: deliberately indistinguishable). */
export class AuthHeaderNotFoundError extends NotFoundError { static override readonly defaultMessage = 'Auth header not found'; }

/** The request conflicts with the current state (a taken username, a limit reached): 409. */
export class ConflictError extends DomainError {}
export class UsernameTakenError extends ConflictError { static override readonly defaultMessage = 'Username is already taken'; }
/** The user already holds MAX_AUTH_HEADERS_PER_USER auth headers. */
export class AuthHeaderLimitError extends ConflictError {}

/** Too many attempts: 429 with `Retry-After`. */
export class ThrottledError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: Options,
  ) {
    super(message, options);
  }
}

/** The login throttle's three counters and revoke's per-address counter (lib/auth/loginThrottle.ts). */
export type ThrottleCounter = 'pair' | 'user' | 'ip' | 'revoke';

export const TOO_MANY_ATTEMPTS = 'Too many failed login attempts; try again later';
export const TOO_MANY_REVOCATIONS = 'Too many revocations from this address; try again later';

/**
 * Too many failures (or attempts in flight) at a throttle counter: no password check (login's
 * counters) or no revocation (revoke's per-address counter) until `retryAfterSeconds` have passed.
 */
export class LoginThrottledError extends ThrottledError {
  constructor(
    retryAfterSeconds: number,
    /** Which counter refused (for the logs only; the client's answer is the same for all). */
    readonly counter: ThrottleCounter,
  ) {
    super(counter === 'revoke' ? TOO_MANY_REVOCATIONS : TOO_MANY_ATTEMPTS, retryAfterSeconds);
  }
}

/**
 * A dependency (database, key store) is unavailable or overloaded: 503 with `Retry-After`. The
 * message is for the log; every client is told lib/http/errors.ts's UNAVAILABLE_MESSAGE alone.
 */
export class DependencyUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: Options,
  ) {
    super(message, options);
  }
}

/** How DynamoDB failed: throttled past the retries, timed out, unreachable, or a server error. */
export type DatabaseFaultKind = 'throttled' | 'timeout' | 'unreachable' | 'server';

/** DynamoDB did not answer in time, refused the connection, or throttled past the SDK's retries. */
export class DatabaseUnavailableError extends DependencyUnavailableError {
  readonly dependency = 'dynamodb';
  constructor(
    readonly kind: DatabaseFaultKind,
    retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(`the database is unavailable (${kind})`, retryAfterSeconds, options);
  }
}

/** Secrets Manager could not be read and no earlier copy of the key is held. */
export class KeyStoreUnavailableError extends DependencyUnavailableError {
  readonly dependency = 'secretsmanager';
  constructor(retryAfterSeconds: number, options?: { cause?: unknown }) {
    super('the key store is unavailable', retryAfterSeconds, options);
  }
}
