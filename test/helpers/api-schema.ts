/* Generated from openapi.json by `npm run openapi` (openapi-typescript). Do not edit. */

export interface paths {
    "/user/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in
         * @description Exchanges a username and password for the user's profile and a session JWT. The JWT authenticates the auth-header routes (and, through the authorizer, the product's other APIs).
         */
        post: operations["Login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/authheader/add": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an auth header
         * @description Creates an auth header (API key) for the logged-in user. The answer holds its token, the credential machine clients send.
         */
        post: operations["AuthHeaderAdd"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/authheader/list": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List auth headers
         * @description The logged-in user's auth headers, each with its token (stored encrypted, decrypted for this answer).
         */
        get: operations["AuthHeaderList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/authheader/delete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Delete an auth header
         * @description Deletes one of the logged-in user's auth headers, named by its token (not its id).
         */
        post: operations["AuthHeaderDelete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who am I
         * @description The way to check a credential: a session JWT or an auth header token, through the Lambda authorizer. An auth header keeps working after its owner's password expires; a JWT never outlives the password.
         */
        get: operations["UserMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the password
         * @description Sets a new password given the current one, whether or not it has expired (the way out of an expired password). Ends every earlier session of the user; auth headers stay. Wrong credentials answer as login does.
         */
        post: operations["UserPassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refresh a session
         * @description Exchanges a refresh token for a new JWT and a new refresh token; the one sent is used up. Reusing a used refresh token (after a short grace) ends the whole session.
         */
        post: operations["UserRefresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log out
         * @description Ends the current session (its JWT and refresh token), or every session of the user with `all: true`. Auth headers are not affected.
         */
        post: operations["UserLogout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/authheader/roll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Roll an auth header
         * @description Gives one of the logged-in user's auth headers (named by its current token) a new token: same id, name, scopes, allowed addresses and expiry. The old token keeps working, with the same id, for `graceSeconds` (default 3600, at most 604800; 0 ends it at once), then is refused everywhere.
         */
        post: operations["AuthHeaderRoll"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/authheader/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke a leaked auth header token
         * @description Needs no credential: whoever holds a token may revoke it (as GitHub's credential revocation API, RFC 7009). Answers the same 200 whether or not the token existed; a revoked key is refused from then on (within AUTHORIZER_CACHE_SECONDS) and flagged `revokedAt` in its owner's list. Throttled per address: revocations that revoke no live key count, and past REVOKE_MAX_FAILURES_PER_IP the address gets 429 with Retry-After.
         */
        post: operations["AuthHeaderRevoke"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/mfa/totp/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start TOTP enrolment
         * @description A new TOTP secret (SHA-1, 6 digits, 30 s) for an authenticator app. Nothing changes until it is confirmed; a new setup replaces an unconfirmed one. From then on login and password change need `code`.
         */
        post: operations["MfaTotpSetup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm TOTP enrolment
         * @description A current code from the pending secret turns MFA on, and answers ten recovery codes (each usable once, shown only here). A wrong code answers 400.
         */
        post: operations["MfaTotpConfirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/user/mfa/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn MFA off
         * @description A current TOTP code or an unused recovery code turns MFA off. A wrong code answers 400 and counts as a failed login (the login throttle applies).
         */
        post: operations["MfaDisable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        LoginRequest: {
            username: string;
            password: string;
            code?: string;
        };
        AddAuthHeaderRequest: {
            name: string;
            expiresAt?: string;
            scopes?: string[];
            allowedCidrs?: string[];
        };
        DeleteAuthHeaderRequest: {
            text: string;
        };
        ChangePasswordRequest: {
            username: string;
            password: string;
            newPassword: string;
            code?: string;
        };
        RefreshRequest: {
            refreshToken: string;
        };
        LogoutRequest: {
            all?: boolean;
        };
        RollAuthHeaderRequest: {
            text: string;
            graceSeconds?: number;
        };
        RevokeAuthHeaderRequest: {
            text: string;
        };
        ConfirmTotpRequest: {
            code: string;
        };
        DisableMfaRequest: {
            code: string;
        };
        /** @description Every error answer: a human-readable message, never a stack trace or an internal error name. */
        Error: {
            /** @example Incorrect username or password */
            message: string;
        };
        /** @description Login and password change refused: wrong credentials, or (`MfaRequired: true`, the only 401 that says the password was right) a second factor is needed in `code`. */
        CredentialsError: {
            /** @example Incorrect username or password */
            message: string;
            /** @constant */
            MfaRequired?: true;
        };
        /** @description Addition: a TOTP secret to enrol (SHA-1, 6 digits, 30 s), pending until confirmed. */
        TotpSetup: {
            /** @description The secret, base32, for typing into an authenticator app. */
            secret: string;
            /** @description The same as an `otpauth://` URL, for a QR code. */
            otpauthUrl: string;
        };
        /** @description Addition: MFA is on. Ten recovery codes, each usable once in place of a TOTP code; shown only here. */
        RecoveryCodes: {
            recoveryCodes: string[];
        };
        Success: {
            /** @constant */
            message: "Success";
        };
        /** @description The user and a session JWT. PascalCase field names, as in the reference. */
        LoginResponse: {
            /**
             * Format: uuid
             * @example 12345678-1234-1234-1234-123456789abc
             */
            Id: string;
            /**
             * Format: date-time
             * @description When the user was created (RFC 3339, UTC).
             * @example 2023-01-15T10:30:42Z
             */
            Created: string;
            /** @example john.doe */
            Username: string;
            /**
             * Format: email
             * @example john.doe@example.com
             */
            Email: string;
            /** @example John */
            Firstname: string;
            /** @example Doe */
            Lastname: string;
            /**
             * @description Session JWT (HS256) for the `Authorization: Bearer` header; valid until its `exp`, never past PasswordExpiration.
             * @example eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
             */
            Token: string;
            /**
             * Format: date-time
             * @description When the password expires; after it, login answers 403 (RFC 3339, UTC). Absent when the password never expires (PASSWORD_MAX_AGE_DAYS=0).
             * @example 2024-06-15T18:30:00Z
             */
            PasswordExpiration?: string;
            /** @description Addition: an opaque, single-use token for POST /user/refresh. Present once refresh tokens are in use. */
            RefreshToken?: string;
        };
        /** @description An auth header (API key). Lowercase field names, as in the reference; `expiresAt`, `lastUsed`, `scopes`, `allowedCidrs` and `revokedAt` appear only when set. */
        AuthHeader: {
            /**
             * Format: uuid
             * @description Auth header ID
             */
            id: string;
            /**
             * @description Auth header name
             * @example production-api-key
             */
            name: string;
            /** @description Auth header token value: the credential, sent as `Authorization: Bearer <token>`. Issued as `ahk_[0-9A-Za-z]{49}` (the last 6 characters a CRC32 checksum); keys issued before carry `ahk_` + 43 base64url characters. */
            token: string;
            /**
             * Format: date-time
             * @description Creation timestamp
             */
            created: string;
            /**
             * Format: date-time
             * @description Addition: when the key stops being accepted, if it was created with an expiry.
             */
            expiresAt?: string;
            /**
             * Format: date-time
             * @description Addition (list only): when the key last authenticated a call, to within a few minutes.
             */
            lastUsed?: string;
            /** @description Addition: what the key may do, passed by the authorizer as context `scopes` (space-separated). */
            scopes?: string[];
            /** @description Addition: the only source addresses the key is accepted from (normalized CIDRs). */
            allowedCidrs?: string[];
            /**
             * Format: date-time
             * @description Addition (list only): when whoever held the token revoked it with POST /authheader/revoke. The key is refused since; roll it for a new token or delete it.
             */
            revokedAt?: string;
        };
        /** @description The caller's auth headers, tokens included. */
        AuthHeaderList: components["schemas"]["AuthHeader"][];
        /** @description Addition: who the credential belongs to, and which kind of credential it is. */
        MeResponse: {
            /** Format: uuid */
            Id: string;
            /** @example john.doe */
            Username: string;
            /** Format: email */
            Email: string;
            Firstname: string;
            Lastname: string;
            /** Format: date-time */
            PasswordExpiration?: string;
            /** @enum {string} */
            AuthMethod: "jwt" | "authheader";
            /**
             * Format: uuid
             * @description Present when the credential is an auth header.
             */
            AuthHeaderId?: string;
            /** @description Present when the credential is an auth header with scopes. */
            Scopes?: string[];
            /** @description Whether the user has TOTP multi-factor authentication on. */
            MfaEnabled: boolean;
        };
    };
    responses: {
        /** @description The body is not JSON, or does not match the request schema (the message says which field). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "\"username\" is required"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Incorrect credentials: unknown user, wrong password and (with MFA on) a wrong or used code answer alike. A right password without `code` for a user with MFA answers `MfaRequired: true`. */
        IncorrectCredentials: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Incorrect username or password"
                 *     }
                 */
                "application/json": components["schemas"]["CredentialsError"];
            };
        };
        /** @description Missing, malformed, invalid or expired credential: the same answer whatever the reason. */
        InvalidSession: {
            headers: {
                "WWW-Authenticate": components["headers"]["WwwAuthenticate"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Missing, invalid or expired token"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The refresh token is unknown, used up, expired or of an ended session: the same answer whatever the reason (a reuse after the grace also ends its session). */
        RefreshRefused: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Invalid, used, expired or ended refresh token"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Password expired: the password was right, but no token is issued. */
        PasswordExpired: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Password expired; set a new one with POST /user/password"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such auth header for this user (unknown, or another user's: indistinguishable). Nothing changed. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Auth header not found"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The user already holds the maximum number of auth headers. Nothing is stored. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Too many auth headers"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description MFA is already on (setup, confirm), or not on (disable). Nothing changed. */
        MfaConflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "MFA is already on; turn it off first (POST /user/mfa/disable)"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request body is over the size limit. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "request body must be at most 16384 bytes"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is declared as something other than JSON (`Content-Type: text/plain`, a form...). A body without Content-Type is read as JSON. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Content-Type must be application/json"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Throttled: too many failed logins for this username or address, or too many requests. */
        TooManyRequests: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Too many failed login attempts; try again later"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Unexpected failure; details are only in the service logs. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Internal server error"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A dependency (database, key store) is unavailable. Nothing changed. */
        ServiceUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                /**
                 * @example {
                 *       "message": "Service temporarily unavailable; try again later"
                 *     }
                 */
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Seconds to wait before trying again. */
        RetryAfter: number;
        /** @description The scheme the route expects (RFC 6750). */
        WwwAuthenticate: "Bearer";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    Login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The credentials; once the user has MFA on, also `code`: a current TOTP code or an unused recovery code. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "john.doe",
                 *       "password": "SecurePass123!"
                 *     }
                 */
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description Successful authentication */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "Id": "12345678-1234-1234-1234-123456789abc",
                     *       "Created": "2023-01-15T10:30:42Z",
                     *       "Username": "john.doe",
                     *       "Email": "john.doe@example.com",
                     *       "Firstname": "John",
                     *       "Lastname": "Doe",
                     *       "Token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                     *       "PasswordExpiration": "2024-06-15T18:30:00Z"
                     *     }
                     */
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["IncorrectCredentials"];
            403: components["responses"]["PasswordExpired"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    AuthHeaderAdd: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The new auth header's name (1-128 characters); optionally its expiry, scopes and the addresses it may be used from. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "production-api-key",
                 *       "scopes": [
                 *         "orders:read"
                 *       ],
                 *       "allowedCidrs": [
                 *         "203.0.113.0/24"
                 *       ]
                 *     }
                 */
                "application/json": components["schemas"]["AddAuthHeaderRequest"];
            };
        };
        responses: {
            /** @description Auth header created successfully */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "9b2f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "name": "production-api-key",
                     *       "token": "ahk_W5kVH75YCstVc3vU0IxbbcyY9srzCVb7lM1BOLQvqXe3xnm1Q",
                     *       "created": "2023-01-15T10:35:00Z"
                     *     }
                     */
                    "application/json": components["schemas"]["AuthHeader"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidSession"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    AuthHeaderList: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description List of auth headers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example [
                     *       {
                     *         "id": "9b2f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *         "name": "production-api-key",
                     *         "token": "ahk_W5kVH75YCstVc3vU0IxbbcyY9srzCVb7lM1BOLQvqXe3xnm1Q",
                     *         "created": "2023-01-15T10:35:00Z"
                     *       }
                     *     ]
                     */
                    "application/json": components["schemas"]["AuthHeaderList"];
                };
            };
            401: components["responses"]["InvalidSession"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    AuthHeaderDelete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The token of the auth header to delete. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "ahk_W5kVH75YCstVc3vU0IxbbcyY9srzCVb7lM1BOLQvqXe3xnm1Q"
                 *     }
                 */
                "application/json": components["schemas"]["DeleteAuthHeaderRequest"];
            };
        };
        responses: {
            /** @description Auth header deleted successfully */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "message": "Success"
                     *     }
                     */
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidSession"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    UserMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The credential's user, and which kind of credential it is. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "Id": "12345678-1234-1234-1234-123456789abc",
                     *       "Username": "john.doe",
                     *       "Email": "john.doe@example.com",
                     *       "Firstname": "John",
                     *       "Lastname": "Doe",
                     *       "PasswordExpiration": "2024-06-15T18:30:00Z",
                     *       "AuthMethod": "authheader",
                     *       "AuthHeaderId": "9b2f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "MfaEnabled": false
                     *     }
                     */
                    "application/json": components["schemas"]["MeResponse"];
                };
            };
            401: components["responses"]["InvalidSession"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    UserPassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The credentials and the new password (and `code` once the user has MFA on, as for login). */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "username": "john.doe",
                 *       "password": "SecurePass123!",
                 *       "newPassword": "Correct-Horse-Battery-9"
                 *     }
                 */
                "application/json": components["schemas"]["ChangePasswordRequest"];
            };
        };
        responses: {
            /** @description Password changed: the login answer, with a new session. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "Id": "12345678-1234-1234-1234-123456789abc",
                     *       "Created": "2023-01-15T10:30:42Z",
                     *       "Username": "john.doe",
                     *       "Email": "john.doe@example.com",
                     *       "Firstname": "John",
                     *       "Lastname": "Doe",
                     *       "Token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                     *       "PasswordExpiration": "2024-06-15T18:30:00Z",
                     *       "RefreshToken": "rt_Zm9vYmFyYmF6cXV4"
                     *     }
                     */
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["IncorrectCredentials"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    UserRefresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The refresh token from the last login, password change or refresh. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "refreshToken": "rt_Zm9vYmFyYmF6cXV4"
                 *     }
                 */
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description A new JWT and refresh token: the login answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "Id": "12345678-1234-1234-1234-123456789abc",
                     *       "Created": "2023-01-15T10:30:42Z",
                     *       "Username": "john.doe",
                     *       "Email": "john.doe@example.com",
                     *       "Firstname": "John",
                     *       "Lastname": "Doe",
                     *       "Token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                     *       "PasswordExpiration": "2024-06-15T18:30:00Z",
                     *       "RefreshToken": "rt_YmF6cXV4Zm9vYmFy"
                     *     }
                     */
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["RefreshRefused"];
            403: components["responses"]["PasswordExpired"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    UserLogout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Optional: `{ "all": true }` ends every session of the user. */
        requestBody?: {
            content: {
                /**
                 * @example {
                 *       "all": true
                 *     }
                 */
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            /** @description Logged out */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "message": "Success"
                     *     }
                     */
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidSession"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    AuthHeaderRoll: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The current token, and optionally the grace period in seconds. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "ahk_W5kVH75YCstVc3vU0IxbbcyY9srzCVb7lM1BOLQvqXe3xnm1Q",
                 *       "graceSeconds": 3600
                 *     }
                 */
                "application/json": components["schemas"]["RollAuthHeaderRequest"];
            };
        };
        responses: {
            /** @description The auth header with its new token (its list item). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "9b2f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
                     *       "name": "production-api-key",
                     *       "token": "ahk_W7QtF04qm5W9h67VN5ZYoo5LimvH4eDVDGEVRDT3Ne51Pb10c",
                     *       "created": "2023-01-15T10:35:00Z"
                     *     }
                     */
                    "application/json": components["schemas"]["AuthHeader"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidSession"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    AuthHeaderRevoke: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description The token to revoke. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "text": "ahk_W5kVH75YCstVc3vU0IxbbcyY9srzCVb7lM1BOLQvqXe3xnm1Q"
                 *     }
                 */
                "application/json": components["schemas"]["RevokeAuthHeaderRequest"];
            };
        };
        responses: {
            /** @description Done (whatever the token was). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "message": "Success"
                     *     }
                     */
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["BadRequest"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    MfaTotpSetup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secret, pending until confirmed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                     *       "otpauthUrl": "otpauth://totp/auth-service:john.doe?issuer=auth-service&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30"
                     *     }
                     */
                    "application/json": components["schemas"]["TotpSetup"];
                };
            };
            401: components["responses"]["InvalidSession"];
            409: components["responses"]["MfaConflict"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    MfaTotpConfirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A current TOTP code from the authenticator app. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "123456"
                 *     }
                 */
                "application/json": components["schemas"]["ConfirmTotpRequest"];
            };
        };
        responses: {
            /** @description MFA is on. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "recoveryCodes": [
                     *         "8k2m4-q7r9t-x3v5w-b6c8d",
                     *         "h4n7p-2w9x3-k5m8r-t6v2a",
                     *         "c3d8f-9g2h4-j6k7m-n8p9q",
                     *         "r2s3t-4v5w6-x7y8z-0a1b2",
                     *         "e5f6g-h7j8k-m9n0p-q1r2s",
                     *         "t3v4w-x5y6z-0a1b2-c3d4e",
                     *         "f5g6h-j7k8m-n9p0q-r1s2t",
                     *         "v3w4x-y5z6a-7b8c9-d0e1f",
                     *         "g2h3j-k4m5n-p6q7r-s8t9v",
                     *         "w0x1y-z2a3b-4c5d6-e7f8g"
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["RecoveryCodes"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidSession"];
            409: components["responses"]["MfaConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
    MfaDisable: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description A current TOTP code or an unused recovery code. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "code": "123456"
                 *     }
                 */
                "application/json": components["schemas"]["DisableMfaRequest"];
            };
        };
        responses: {
            /** @description MFA is off. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "message": "Success"
                     *     }
                     */
                    "application/json": components["schemas"]["Success"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["InvalidSession"];
            409: components["responses"]["MfaConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["ServiceUnavailable"];
        };
    };
}
