/**
 * What each route answers, as JSON Schema 2020-12 (OpenAPI 3.1's dialect): the response bodies, the
 * shared error answers, and per route id its summary, request example and every status it can send.
 * lib/tools/openapi builds openapi.json from this file, lib/routes.ts and the request schemas of
 * lib/http/schemas.ts; the tests check every response they receive against that document.
 *
 * Data only, read by tools and tests: no Lambda imports it, so none carries a schema validator.
 * Field names, casing and statuses follow the contract (API.md); examples are the reference's.
 */
import { INTERNAL_ERROR_MESSAGE, UNAVAILABLE_MESSAGE } from '../../http/errors';

/** A JSON Schema (2020-12) object, written as a literal. */
export type JsonSchema = { readonly [keyword: string]: unknown };

const dateTime = (description: string, example: string) => ({ type: 'string', format: 'date-time', description, examples: [example] });

/** Response bodies, by component name. Objects are closed: a field the contract lacks is a bug. */
export const responseSchemas = {
  Error: {
    type: 'object',
    description: 'Every error answer: a human-readable message, never a stack trace or an internal error name.',
    required: ['message'],
    additionalProperties: false,
    properties: { message: { type: 'string', examples: ['Incorrect username or password'] } },
  },
  CredentialsError: {
    type: 'object',
    description: 'Login and password change refused: wrong credentials, or (`MfaRequired: true`, the only 401 that says the password was right) a second factor is needed in `code`.',
    required: ['message'],
    additionalProperties: false,
    properties: { message: { type: 'string', examples: ['Incorrect username or password'] }, MfaRequired: { type: 'boolean', const: true } },
  },
  TotpSetup: {
    type: 'object',
    description: 'Addition: a TOTP secret to enrol (SHA-1, 6 digits, 30 s), pending until confirmed.',
    required: ['secret', 'otpauthUrl'],
    additionalProperties: false,
    properties: {
      secret: { type: 'string', pattern: '^[A-Z2-7]+=*$', description: 'The secret, base32, for typing into an authenticator app.' },
      otpauthUrl: { type: 'string', pattern: '^otpauth://totp/', description: 'The same as an `otpauth://` URL, for a QR code.' },
    },
  },
  RecoveryCodes: {
    type: 'object',
    description: 'Addition: MFA is on. Ten recovery codes, each usable once in place of a TOTP code; shown only here.',
    required: ['recoveryCodes'],
    additionalProperties: false,
    properties: { recoveryCodes: { type: 'array', minItems: 10, maxItems: 10, items: { type: 'string', pattern: '^[0-9a-z]{5}(-[0-9a-z]{5}){3}$' } } },
  },
  Success: {
    type: 'object',
    required: ['message'],
    additionalProperties: false,
    properties: { message: { type: 'string', const: 'Success' } },
  },
  LoginResponse: {
    type: 'object',
    description: 'The user and a session JWT. PascalCase field names, as in the reference.',
    required: ['Id', 'Created', 'Username', 'Email', 'Firstname', 'Lastname', 'Token'],
    additionalProperties: false,
    properties: {
      Id: { type: 'string', format: 'uuid', examples: ['12345678-1234-1234-1234-123456789abc'] },
      Created: dateTime('When the user was created (RFC 3339, UTC).', '2023-01-15T10:30:42Z'),
      Username: { type: 'string', examples: ['john.doe'] },
      Email: { type: 'string', format: 'email', examples: ['john.doe@example.com'] },
      Firstname: { type: 'string', examples: ['John'] },
      Lastname: { type: 'string', examples: ['Doe'] },
      Token: {
        type: 'string',
        description: 'Session JWT (HS256) for the `Authorization: Bearer` header; valid until its `exp`, never past PasswordExpiration.',
        examples: ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...'],
      },
      PasswordExpiration: dateTime('When the password expires; after it, login answers 403 (RFC 3339, UTC). Absent when the password never expires (PASSWORD_MAX_AGE_DAYS=0).', '2024-06-15T18:30:00Z'),
      RefreshToken: {
        type: 'string',
        description: 'Addition: an opaque, single-use token for POST /user/refresh. Present once refresh tokens are in use.',
      },
    },
  },
  AuthHeader: {
    type: 'object',
    description: 'An auth header (API key). Lowercase field names, as in the reference; `expiresAt`, `lastUsed`, `scopes`, `allowedCidrs` and `revokedAt` appear only when set.',
    required: ['id', 'name', 'token', 'created'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Auth header ID' },
      name: { type: 'string', description: 'Auth header name', examples: ['production-api-key'] },
      token: { type: 'string', description: 'Auth header token value: the credential, sent as `Authorization: Bearer <token>`. Issued as `ahk_[0-9A-Za-z]{49}` (the last 6 characters a CRC32 checksum); keys issued before carry `ahk_` + 43 base64url characters.' },
      created: { type: 'string', format: 'date-time', description: 'Creation timestamp' },
      expiresAt: { type: 'string', format: 'date-time', description: 'Addition: when the key stops being accepted, if it was created with an expiry.' },
      lastUsed: { type: 'string', format: 'date-time', description: 'Addition (list only): when the key last authenticated a call, to within a few minutes.' },
      scopes: { type: 'array', items: { type: 'string' }, description: 'Addition: what the key may do, passed by the authorizer as context `scopes` (space-separated).' },
      allowedCidrs: { type: 'array', items: { type: 'string' }, description: 'Addition: the only source addresses the key is accepted from (normalized CIDRs).' },
      revokedAt: { type: 'string', format: 'date-time', description: 'Addition (list only): when whoever held the token revoked it with POST /authheader/revoke. The key is refused since; roll it for a new token or delete it.' },
    },
  },
  AuthHeaderList: {
    type: 'array',
    description: "The caller's auth headers, tokens included.",
    items: { $ref: '#/components/schemas/AuthHeader' },
  },
  MeResponse: {
    type: 'object',
    description: 'Addition: who the credential belongs to, and which kind of credential it is.',
    required: ['Id', 'Username', 'Email', 'Firstname', 'Lastname', 'AuthMethod', 'MfaEnabled'],
    additionalProperties: false,
    properties: {
      Id: { type: 'string', format: 'uuid' },
      Username: { type: 'string', examples: ['john.doe'] },
      Email: { type: 'string', format: 'email' },
      Firstname: { type: 'string' },
      Lastname: { type: 'string' },
      PasswordExpiration: { type: 'string', format: 'date-time' },
      AuthMethod: { type: 'string', enum: ['jwt', 'authheader'] },
      AuthHeaderId: { type: 'string', format: 'uuid', description: 'Present when the credential is an auth header.' },
      Scopes: { type: 'array', items: { type: 'string' }, description: 'Present when the credential is an auth header with scopes.' },
      MfaEnabled: { type: 'boolean', description: 'Whether the user has TOTP multi-factor authentication on.' },
    },
  },
} as const satisfies Record<string, JsonSchema>;

export type ResponseSchemaName = keyof typeof responseSchemas;

/** Response headers, by component name. */
export const responseHeaders = {
  RetryAfter: { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer', minimum: 0 } },
  WwwAuthenticate: { description: 'The scheme the route expects (RFC 6750).', required: true, schema: { type: 'string', const: 'Bearer' } },
} as const;

export type ResponseHeaderName = keyof typeof responseHeaders;

export interface ResponseDoc {
  readonly description: string;
  readonly schema: ResponseSchemaName;
  readonly example?: unknown;
  readonly headers?: readonly ResponseHeaderName[];
}

const error = (description: string, example: string, headers?: readonly ResponseHeaderName[]): ResponseDoc => ({ description, schema: 'Error', example: { message: example }, ...(headers ? { headers } : {}) });

/** The error answers routes share, by component name (a route lists the ones it can send). */
export const errorResponses = {
  BadRequest: error('The body is not JSON, or does not match the request schema (the message says which field).', '"username" is required'),
  IncorrectCredentials: {
    description: 'Incorrect credentials: unknown user, wrong password and (with MFA on) a wrong or used code answer alike. A right password without `code` for a user with MFA answers `MfaRequired: true`.',
    schema: 'CredentialsError',
    example: { message: 'Incorrect username or password' },
  },
  InvalidSession: error('Missing, malformed, invalid or expired credential: the same answer whatever the reason.', 'Missing, invalid or expired token', ['WwwAuthenticate']),
  RefreshRefused: error('The refresh token is unknown, used up, expired or of an ended session: the same answer whatever the reason (a reuse after the grace also ends its session).', 'Invalid, used, expired or ended refresh token'),
  PasswordExpired: error('Password expired: the password was right, but no token is issued.', 'Password expired; set a new one with POST /user/password'),
  NotFound: error('No such auth header for this user (unknown, or another user\'s: indistinguishable). Nothing changed.', 'Auth header not found'),
  Conflict: error('The user already holds the maximum number of auth headers. Nothing is stored.', 'Too many auth headers'),
  MfaConflict: error('MFA is already on (setup, confirm), or not on (disable). Nothing changed.', 'MFA is already on; turn it off first (POST /user/mfa/disable)'),
  PayloadTooLarge: error('The request body is over the size limit.', 'request body must be at most 16384 bytes'),
  UnsupportedMediaType: error('The body is declared as something other than JSON (`Content-Type: text/plain`, a form...). A body without Content-Type is read as JSON.', 'Content-Type must be application/json'),
  TooManyRequests: error('Throttled: too many failed logins for this username or address, or too many requests.', 'Too many failed login attempts; try again later', ['RetryAfter']),
  InternalError: error('Unexpected failure; details are only in the service logs.', INTERNAL_ERROR_MESSAGE),
  ServiceUnavailable: error('A dependency (database, key store) is unavailable. Nothing changed.', UNAVAILABLE_MESSAGE, ['RetryAfter']),
} as const satisfies Record<string, ResponseDoc>;

export type ErrorResponseName = keyof typeof errorResponses;

export interface RequestDoc {
  readonly description: string;
  readonly example: Readonly<Record<string, unknown>>;
}

export interface RouteDoc {
  readonly summary: string;
  readonly description: string;
  readonly tag: 'User' | 'Auth headers';
  /** Required exactly when the route declares a `body` in lib/routes.ts (its schema is the one documented). */
  readonly request?: RequestDoc;
  /** Every status the route can answer: a body description, or a shared error answer by name. */
  readonly responses: Readonly<Record<number, ResponseDoc | ErrorResponseName>>;
}

// Answers any route can give: gateway throttling, an unexpected failure, a dependency down.
const ANY_ROUTE = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' } as const;
// Answers a route with a JSON body can give before it does anything.
const WITH_BODY = { 400: 'BadRequest', 413: 'PayloadTooLarge', 415: 'UnsupportedMediaType' } as const;

const loginExample = {
  Id: '12345678-1234-1234-1234-123456789abc',
  Created: '2023-01-15T10:30:42Z',
  Username: 'john.doe',
  Email: 'john.doe@example.com',
  Firstname: 'John',
  Lastname: 'Doe',
  Token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...',
  PasswordExpiration: '2024-06-15T18:30:00Z',
};

const authHeaderExample = {
  id: '9b2f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'production-api-key',
  token: 'ahk_W5kVH75YCstVc3vU0IxbbcyY9srzCVb7lM1BOLQvqXe3xnm1Q',
  created: '2023-01-15T10:35:00Z',
};

/**
 * Each route's documentation, by its id in lib/routes.ts. The generator fails for a route listed
 * there without an entry here, and emits only routes that are listed there.
 */
export const routeDocs = {
  Login: {
    tag: 'User',
    summary: 'Log in',
    description: 'Exchanges a username and password for the user\'s profile and a session JWT. The JWT authenticates the auth-header routes (and, through the authorizer, the product\'s other APIs).',
    request: { description: 'The credentials; once the user has MFA on, also `code`: a current TOTP code or an unused recovery code.', example: { username: 'john.doe', password: 'SecurePass123!' } },
    responses: {
      200: { description: 'Successful authentication', schema: 'LoginResponse', example: loginExample },
      ...WITH_BODY,
      401: 'IncorrectCredentials',
      403: 'PasswordExpired',
      ...ANY_ROUTE,
    },
  },
  AuthHeaderAdd: {
    tag: 'Auth headers',
    summary: 'Create an auth header',
    description: 'Creates an auth header (API key) for the logged-in user. The answer holds its token, the credential machine clients send.',
    request: {
      description: 'The new auth header\'s name (1-128 characters); optionally its expiry, scopes and the addresses it may be used from.',
      example: { name: 'production-api-key', scopes: ['orders:read'], allowedCidrs: ['203.0.113.0/24'] },
    },
    responses: {
      200: { description: 'Auth header created successfully', schema: 'AuthHeader', example: authHeaderExample },
      ...WITH_BODY,
      401: 'InvalidSession',
      409: 'Conflict',
      ...ANY_ROUTE,
    },
  },
  AuthHeaderList: {
    tag: 'Auth headers',
    summary: 'List auth headers',
    description: 'The logged-in user\'s auth headers, each with its token (stored encrypted, decrypted for this answer).',
    responses: {
      200: { description: 'List of auth headers', schema: 'AuthHeaderList', example: [authHeaderExample] },
      401: 'InvalidSession',
      ...ANY_ROUTE,
    },
  },
  AuthHeaderDelete: {
    tag: 'Auth headers',
    summary: 'Delete an auth header',
    description: 'Deletes one of the logged-in user\'s auth headers, named by its token (not its id).',
    request: { description: 'The token of the auth header to delete.', example: { text: authHeaderExample.token } },
    responses: {
      200: { description: 'Auth header deleted successfully', schema: 'Success', example: { message: 'Success' } },
      ...WITH_BODY,
      401: 'InvalidSession',
      404: 'NotFound',
      ...ANY_ROUTE,
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Additions beyond the reference (API.md).
  // ---------------------------------------------------------------------------------------------

  UserMe: {
    tag: 'User',
    summary: 'Who am I',
    description:
      'The way to check a credential: a session JWT or an auth header token, through the Lambda authorizer. An auth header keeps working after its owner\'s password expires; a JWT never outlives the password.',
    responses: {
      200: {
        description: 'The credential\'s user, and which kind of credential it is.',
        schema: 'MeResponse',
        example: { Id: loginExample.Id, Username: 'john.doe', Email: 'john.doe@example.com', Firstname: 'John', Lastname: 'Doe', PasswordExpiration: loginExample.PasswordExpiration, AuthMethod: 'authheader', AuthHeaderId: authHeaderExample.id, MfaEnabled: false },
      },
      401: 'InvalidSession',
      ...ANY_ROUTE,
    },
  },
  UserPassword: {
    tag: 'User',
    summary: 'Change the password',
    description:
      'Sets a new password given the current one, whether or not it has expired (the way out of an expired password). Ends every earlier session of the user; auth headers stay. Wrong credentials answer as login does.',
    request: {
      description: 'The credentials and the new password (and `code` once the user has MFA on, as for login).',
      example: { username: 'john.doe', password: 'SecurePass123!', newPassword: 'Correct-Horse-Battery-9' },
    },
    responses: {
      200: { description: 'Password changed: the login answer, with a new session.', schema: 'LoginResponse', example: { ...loginExample, RefreshToken: 'rt_Zm9vYmFyYmF6cXV4' } },
      ...WITH_BODY,
      401: 'IncorrectCredentials',
      ...ANY_ROUTE,
    },
  },
  UserRefresh: {
    tag: 'User',
    summary: 'Refresh a session',
    description:
      'Exchanges a refresh token for a new JWT and a new refresh token; the one sent is used up. Reusing a used refresh token (after a short grace) ends the whole session.',
    request: {
      description: 'The refresh token from the last login, password change or refresh.',
      example: { refreshToken: 'rt_Zm9vYmFyYmF6cXV4' },
    },
    responses: {
      200: { description: 'A new JWT and refresh token: the login answer.', schema: 'LoginResponse', example: { ...loginExample, RefreshToken: 'rt_YmF6cXV4Zm9vYmFy' } },
      ...WITH_BODY,
      401: 'RefreshRefused',
      403: 'PasswordExpired',
      ...ANY_ROUTE,
    },
  },
  UserLogout: {
    tag: 'User',
    summary: 'Log out',
    description: 'Ends the current session (its JWT and refresh token), or every session of the user with `all: true`. Auth headers are not affected.',
    request: {
      description: 'Optional: `{ "all": true }` ends every session of the user.',
      example: { all: true },
    },
    responses: {
      200: { description: 'Logged out', schema: 'Success', example: { message: 'Success' } },
      ...WITH_BODY,
      401: 'InvalidSession',
      ...ANY_ROUTE,
    },
  },
  AuthHeaderRoll: {
    tag: 'Auth headers',
    summary: 'Roll an auth header',
    description:
      'Gives one of the logged-in user\'s auth headers (named by its current token) a new token: same id, name, scopes, allowed addresses and expiry. The old token keeps working, with the same id, for `graceSeconds` (default 3600, at most 604800; 0 ends it at once), then is refused everywhere.',
    request: { description: 'The current token, and optionally the grace period in seconds.', example: { text: authHeaderExample.token, graceSeconds: 3600 } },
    responses: {
      200: { description: 'The auth header with its new token (its list item).', schema: 'AuthHeader', example: { ...authHeaderExample, token: 'ahk_W7QtF04qm5W9h67VN5ZYoo5LimvH4eDVDGEVRDT3Ne51Pb10c' } },
      ...WITH_BODY,
      401: 'InvalidSession',
      404: 'NotFound',
      ...ANY_ROUTE,
    },
  },
  AuthHeaderRevoke: {
    tag: 'Auth headers',
    summary: 'Revoke a leaked auth header token',
    description:
      'Needs no credential: whoever holds a token may revoke it (as GitHub\'s credential revocation API, RFC 7009). Answers the same 200 whether or not the token existed; a revoked key is refused from then on (within AUTHORIZER_CACHE_SECONDS) and flagged `revokedAt` in its owner\'s list. Throttled per address: revocations that revoke no live key count, and past REVOKE_MAX_FAILURES_PER_IP the address gets 429 with Retry-After.',
    request: { description: 'The token to revoke.', example: { text: authHeaderExample.token } },
    responses: {
      200: { description: 'Done (whatever the token was).', schema: 'Success', example: { message: 'Success' } },
      ...WITH_BODY,
      ...ANY_ROUTE,
    },
  },
  MfaTotpSetup: {
    tag: 'User',
    summary: 'Start TOTP enrolment',
    description:
      'A new TOTP secret (SHA-1, 6 digits, 30 s) for an authenticator app. Nothing changes until it is confirmed; a new setup replaces an unconfirmed one. From then on login and password change need `code`.',
    responses: {
      200: { description: 'The secret, pending until confirmed.', schema: 'TotpSetup', example: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', otpauthUrl: 'otpauth://totp/auth-service:john.doe?issuer=auth-service&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30' } },
      401: 'InvalidSession',
      409: 'MfaConflict',
      ...ANY_ROUTE,
    },
  },
  MfaTotpConfirm: {
    tag: 'User',
    summary: 'Confirm TOTP enrolment',
    description: 'A current code from the pending secret turns MFA on, and answers ten recovery codes (each usable once, shown only here). A wrong code answers 400.',
    request: { description: 'A current TOTP code from the authenticator app.', example: { code: '123456' } },
    responses: {
      200: {
        description: 'MFA is on.',
        schema: 'RecoveryCodes',
        example: {
          recoveryCodes: [
            '8k2m4-q7r9t-x3v5w-b6c8d',
            'h4n7p-2w9x3-k5m8r-t6v2a',
            'c3d8f-9g2h4-j6k7m-n8p9q',
            'r2s3t-4v5w6-x7y8z-0a1b2',
            'e5f6g-h7j8k-m9n0p-q1r2s',
            't3v4w-x5y6z-0a1b2-c3d4e',
            'f5g6h-j7k8m-n9p0q-r1s2t',
            'v3w4x-y5z6a-7b8c9-d0e1f',
            'g2h3j-k4m5n-p6q7r-s8t9v',
            'w0x1y-z2a3b-4c5d6-e7f8g',
          ],
        },
      },
      ...WITH_BODY,
      401: 'InvalidSession',
      409: 'MfaConflict',
      ...ANY_ROUTE,
    },
  },
  MfaDisable: {
    tag: 'User',
    summary: 'Turn MFA off',
    description: 'A current TOTP code or an unused recovery code turns MFA off. A wrong code answers 400 and counts as a failed login (the login throttle applies).',
    request: { description: 'A current TOTP code or an unused recovery code.', example: { code: '123456' } },
    responses: {
      200: { description: 'MFA is off.', schema: 'Success', example: { message: 'Success' } },
      ...WITH_BODY,
      401: 'InvalidSession',
      409: 'MfaConflict',
      ...ANY_ROUTE,
    },
  },
} as const satisfies Record<string, RouteDoc>;
