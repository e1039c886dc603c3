/** The repositories request handlers use: one client per process, tables from the config. */
import { getThrottleKeyHmacKey } from '../auth/keys';
import { config } from '../config';
import { AuthHeaderRepository } from './authHeaderRepository';
import { documentClient } from './client';
import { LoginThrottleRepository, type ThrottlePolicies } from './loginThrottleRepository';
import { Transaction } from './transaction';
import { MfaRepository } from './mfaRepository';
import { SessionRepository } from './sessionRepository';
import { UserRepository } from './userRepository';

export const users = new UserRepository(documentClient, config.tables.users);
export const sessions = new SessionRepository(documentClient, config.tables.sessions, config.tables.users);
export const authHeaders = new AuthHeaderRepository(documentClient, config.tables.authHeaders, sessions);
export const mfa = new MfaRepository(documentClient, config.tables.users, sessions);

// A counter is forgotten an hour after it started or after its last lock-out ended.
const THROTTLE_WINDOW_SECONDS = 3600;
const throttlePolicy = (maxFailures: number) => ({ maxFailures, maxLockoutSeconds: config.loginMaxLockoutSeconds, windowSeconds: THROTTLE_WINDOW_SECONDS });
/** The throttle's limits from the configuration (the admin CLI's unlock builds the same repository). */
export const LOGIN_THROTTLE_POLICIES: ThrottlePolicies = {
  pair: throttlePolicy(config.loginMaxFailuresPerUser),
  user: throttlePolicy(config.loginMaxFailuresPerUserAllIps),
  ip: throttlePolicy(config.loginMaxFailuresPerIp),
  revoke: throttlePolicy(config.revokeMaxFailuresPerIp),
  // Only for a charge nobody settles (an invocation that died mid-check): well beyond a password check
  // at any allowed bcrypt cost. Failures and successes settle their charge at once (docs/security.md).
  inflightSeconds: 2,
};
export const loginThrottle = new LoginThrottleRepository(documentClient, config.tables.loginThrottle, LOGIN_THROTTLE_POLICIES, getThrottleKeyHmacKey);

/** A new transaction on this process's client (lib/data/transaction.ts), for writes that span repositories. */
export const newTransaction = (): Transaction => new Transaction(documentClient);
