/** The repositories request handlers use: one client per process, tables from the config. */
import { config } from '../config';
import { AuthHeaderRepository } from './authHeaderRepository';
import { documentClient } from './client';
import { LoginThrottleRepository } from './loginThrottleRepository';
import { SessionRepository } from './sessionRepository';
import { UserRepository } from './userRepository';

export const users = new UserRepository(documentClient, config.tables.users, config.tables.authHeaders);
export const sessions = new SessionRepository(documentClient, config.tables.sessions, config.tables.users);
export const authHeaders = new AuthHeaderRepository(documentClient, config.tables.authHeaders, sessions);

// A counter is forgotten an hour after it started or after its last lock-out ended.
const THROTTLE_WINDOW_SECONDS = 3600;
export const loginThrottle = new LoginThrottleRepository(documentClient, config.tables.loginThrottle, {
  user: { maxFailures: config.loginMaxFailuresPerUser, maxLockoutSeconds: config.loginMaxLockoutSeconds, windowSeconds: THROTTLE_WINDOW_SECONDS },
  ip: { maxFailures: config.loginMaxFailuresPerIp, maxLockoutSeconds: config.loginMaxLockoutSeconds, windowSeconds: THROTTLE_WINDOW_SECONDS },
});
