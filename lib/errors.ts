/**
 * Domain errors: what went wrong in the service's own terms, with no HTTP in sight. lib/data and
 * lib/services throw only these (or let unexpected errors through); the HTTP layer
 * (lib/http/errors.ts) maps each kind to a status in one place, and the admin CLI maps them to its
 * own messages and exit codes.
 *
 * A message here may reach a client (for the kinds the HTTP layer exposes), so it never contains
 * request text beyond what the client is being told about its own input.
 */

export abstract class DomainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input breaks a rule of the service (a password policy, a date out of range, ...): 400. */
export class InvalidInputError extends DomainError {}

/** Unknown username or wrong password, deliberately indistinguishable: 401. */
export class InvalidCredentialsError extends DomainError {}

/**
 * The presented session or credential is not (or no longer) valid: missing, malformed, expired,
 * ended, from before a password change, of a deleted user: 401 with `WWW-Authenticate: Bearer`.
 */
export class InvalidSessionError extends DomainError {}

/** A refresh token that is unknown, used up, expired, or of an ended session: 401. */
export class InvalidRefreshTokenError extends InvalidSessionError {}

/** The password is right but expired: 403, no token. */
export class PasswordExpiredError extends DomainError {}

/** Something the caller named does not exist (or is not theirs, indistinguishably): 404. */
export class NotFoundError extends DomainError {}
export class UserNotFoundError extends NotFoundError {}
export class AuthHeaderNotFoundError extends NotFoundError {}

/** The request conflicts with the current state (a taken username, a limit reached): 409. */
export class ConflictError extends DomainError {}
export class UsernameTakenError extends ConflictError {}

/** Too many attempts: 429 with `Retry-After`. */
export class ThrottledError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A dependency (database, key store) is unavailable or overloaded: 503 with `Retry-After`. */
export class DependencyUnavailableError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
