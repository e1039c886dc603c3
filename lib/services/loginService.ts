/**
 * POST /user/login: the throttle, the credential check, the password-expiry rule and the contract's
 * response.
 */
import { loginThrottle, users } from '../data/repositories';
import { InvalidCredentialsError, PasswordExpiredError } from '../errors';
import { issueSessionToken } from '../auth/jwt';
import { prepareDummyHash, verifyPassword } from '../auth/passwords';

/** The contract's 200 body (PascalCase, as in the product's reference). */
export interface LoginResponse {
  Id: string;
  Created: string;
  Username: string;
  Email: string;
  Firstname: string;
  Lastname: string;
  Token: string;
  PasswordExpiration: string;
}

prepareDummyHash();

export async function login(username: string, password: string, sourceIp: string, now: Date = new Date()): Promise<LoginResponse> {
  // The user is read while the attempt is charged to its counters (username with address, username,
  // address): the read costs nothing if the throttle refuses, and bcrypt still runs only after the
  // throttle has let the attempt through. A refusal (LoginThrottledError, a 429) charges nothing and
  // is the same whether or not the username exists.
  const [attempt, user] = await Promise.all([loginThrottle.beginAttempt(username, sourceIp, now), users.findByUsername(username)]);
  // Unknown user and wrong password do the same bcrypt work, the same write and give the same answer.
  const passwordMatches = await verifyPassword(password, user?.passwordHash);
  if (!user || !passwordMatches) {
    await loginThrottle.recordFailure(attempt);
    throw new InvalidCredentialsError();
  }
  // A right password writes nothing: its charge stops counting on its own within seconds.
  // Only after the password is proven correct may the caller learn that it has expired.
  if (Date.parse(user.passwordExpiration) <= now.getTime()) throw new PasswordExpiredError();
  const { token } = await issueSessionToken(user, now);
  return {
    Id: user.id,
    Created: user.created,
    Username: user.username,
    Email: user.email,
    Firstname: user.firstname,
    Lastname: user.lastname,
    Token: token,
    PasswordExpiration: user.passwordExpiration,
  };
}
