/**
 * The audit trail: one structured log line per security-relevant action, from this module only, so
 * the schema (docs/operations.md, Audit trail) stays the same everywhere and the saved Logs Insights
 * queries keep working. Each event also counts in its metric (lib/metrics.ts).
 *
 * What may appear is fixed by `AuditFields`: identifiers, the caller's address, the request id and a
 * reason code. Never a password, token, JWT, request body, or a username nobody has (what a client
 * typed for an unknown user may be a password typed into the wrong field).
 */
import { log } from './log';
import { count, METRICS, type MetricName } from './metrics';

const EVENT_METRIC = {
  'login.succeeded': METRICS.names.loginSucceeded,
  'login.failed': METRICS.names.loginFailed,
  'login.throttled': METRICS.names.loginThrottled,
  'login.password_expired': METRICS.names.loginPasswordExpired,
  'password.changed': METRICS.names.passwordChanged,
  'session.refreshed': METRICS.names.sessionRefreshed,
  'session.reuse_detected': METRICS.names.sessionReuseDetected,
  'session.ended': METRICS.names.sessionEnded,
  'authheader.created': METRICS.names.authHeaderCreated,
  'authheader.deleted': METRICS.names.authHeaderDeleted,
  'authheader.rolled': METRICS.names.authHeaderRolled,
  'authheader.revoked': METRICS.names.authHeaderRevoked,
  'authheader.revoke_throttled': METRICS.names.authHeaderRevokeThrottled,
  'mfa.enabled': METRICS.names.mfaEnabled,
  'mfa.disabled': METRICS.names.mfaDisabled,
  'mfa.challenge_failed': METRICS.names.mfaChallengeFailed,
  'mfa.recovery_code_used': METRICS.names.mfaRecoveryCodeUsed,
  'authorizer.allowed': METRICS.names.keyVerificationAllowed,
  'authorizer.denied': METRICS.names.keyVerificationDenied,
} as const satisfies Record<string, MetricName>;

export type AuditEvent = keyof typeof EVENT_METRIC;

/** Whether the action did what was asked: `failure` for refusals of every kind. */
export type AuditOutcome = 'success' | 'failure';

/** Why an action was refused, as a fixed code (never free text from the request). */
export type AuditReason =
  | 'unknown_user'
  | 'wrong_password'
  | 'password_expired'
  | 'throttled_user'
  | 'throttled_address'
  | 'invalid_token'
  | 'expired'
  | 'revoked'
  | 'session_ended'
  /** A key with allowed addresses, used from another one. */
  | 'address_not_allowed'
  | 'reuse_detected'
  /** session.ended by a logout of every session of the user. */
  | 'logout_all'
  /** mfa.challenge_failed: a code that matches nothing, or one already used (replayed). */
  | 'wrong_code'
  | 'replayed_code';

/** Where a request came from: set once per request by the HTTP layer, passed down to the services. */
export interface AuditContext {
  /** API Gateway's request id (the `x-amzn-RequestId` a client sees, and the access log's). */
  requestId: string;
  /** The client's address as API Gateway saw it. */
  sourceIp: string;
}

export interface AuditFields {
  /** The user's id, when the action is tied to a known user. */
  userId?: string;
  /** The stored username of a known user: never a name typed for a user that does not exist. */
  username?: string;
  authHeaderId?: string;
  /** An opaque session id (never a token). */
  sessionId?: string;
  /** How the caller authenticated (authorizer events): `jwt` or `authheader`. */
  authMethod?: 'jwt' | 'authheader';
  /** Refusals only. */
  reason?: AuditReason;
  /** Seconds a throttled caller must wait. */
  retryAfterSeconds?: number;
}

const OUTCOME: Record<AuditEvent, AuditOutcome> = {
  'login.succeeded': 'success',
  'login.failed': 'failure',
  'login.throttled': 'failure',
  'login.password_expired': 'failure',
  'password.changed': 'success',
  'session.refreshed': 'success',
  'session.reuse_detected': 'failure',
  'session.ended': 'success',
  'authheader.created': 'success',
  'authheader.deleted': 'success',
  'authheader.rolled': 'success',
  'authheader.revoked': 'success',
  'authheader.revoke_throttled': 'failure',
  'mfa.enabled': 'success',
  'mfa.disabled': 'success',
  'mfa.challenge_failed': 'failure',
  'mfa.recovery_code_used': 'success',
  'authorizer.allowed': 'success',
  'authorizer.denied': 'failure',
};

/** The log message of every audit line: `filter message = "audit"` finds them all. */
export const AUDIT_MESSAGE = 'audit';

/**
 * Records one audit event. Only the listed fields are copied, so a caller passing a wider object
 * (a user record with its hash, a request) cannot leak more than the schema allows.
 */
export function audit(event: AuditEvent, context: AuditContext, fields: AuditFields = {}): void {
  const line: Record<string, unknown> = {
    event,
    outcome: OUTCOME[event],
    requestId: context.requestId,
    sourceIp: context.sourceIp,
  };
  for (const key of ['userId', 'username', 'authHeaderId', 'sessionId', 'authMethod', 'reason', 'retryAfterSeconds'] as const) {
    if (fields[key] !== undefined) line[key] = fields[key];
  }
  log.info(AUDIT_MESSAGE, line);
  count(EVENT_METRIC[event]);
}
