/**
 * The names of the service's metrics: the contract between the functions that emit them
 * (lib/metrics.ts) and the dashboard and alarms that read them (infra/), so renaming one cannot
 * leave a graph flat. Free of imports: the CDK app reads it without loading any runtime code.
 */

/**
 * Every metric this service emits, all `Count`, in namespace `POWERTOOLS_METRICS_NAMESPACE`
 * (default `AuthService`) with the one dimension `service` (`POWERTOOLS_SERVICE_NAME`, default
 * `auth-service`). `ColdStart` is Powertools' own: dimensions `service` and `function_name`.
 */
export const METRICS = {
  namespaceDefault: 'AuthService',
  serviceDefault: 'auth-service',
  /** Dimension names of the metrics below (ColdStart adds `function_name`). */
  dimensions: ['service'],
  names: {
    loginSucceeded: 'LoginSucceeded',
    loginFailed: 'LoginFailed',
    loginThrottled: 'LoginThrottled',
    loginPasswordExpired: 'LoginPasswordExpired',
    passwordChanged: 'PasswordChanged',
    sessionRefreshed: 'SessionRefreshed',
    sessionReuseDetected: 'SessionReuseDetected',
    sessionEnded: 'SessionEnded',
    authHeaderCreated: 'AuthHeaderCreated',
    authHeaderDeleted: 'AuthHeaderDeleted',
    authHeaderRolled: 'AuthHeaderRolled',
    /** Keys revoked by whoever held their token (POST /authheader/revoke): each one is a leak. */
    authHeaderRevoked: 'AuthHeaderRevoked',
    /** Revocations refused because their address spent its failures (REVOKE_MAX_FAILURES_PER_IP). */
    authHeaderRevokeThrottled: 'AuthHeaderRevokeThrottled',
    /** MFA: turned on / off (by the user), a wrong or replayed second factor, a recovery code used. */
    mfaEnabled: 'MfaEnabled',
    mfaDisabled: 'MfaDisabled',
    mfaChallengeFailed: 'MfaChallengeFailed',
    mfaRecoveryCodeUsed: 'MfaRecoveryCodeUsed',
    /** The authorizer's decisions on a presented credential (JWT or auth header). */
    keyVerificationAllowed: 'KeyVerificationAllowed',
    keyVerificationDenied: 'KeyVerificationDenied',
    /** Throttle decisions that refused a login: which counter refused it. */
    throttledByUser: 'ThrottledByUser',
    throttledByAddress: 'ThrottledByAddress',
    /** Requests answered 503 because a dependency failed. */
    databaseUnavailable: 'DatabaseUnavailable',
    keyStoreUnavailable: 'KeyStoreUnavailable',
    coldStart: 'ColdStart',
  },
} as const;

