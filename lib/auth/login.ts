/**
 * POST /user/login: the credential check, the password-expiry rule and the contract's response.
 */
import { forbidden, unauthorized } from '../errors';
import { users } from '../data/repositories';
import { issueSessionToken } from './jwt';
import { prepareDummyHash, verifyPassword } from './passwords';

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

export const INCORRECT_CREDENTIALS = 'Incorrect username or password';

prepareDummyHash();

export async function login(username: string, password: string, now: Date = new Date()): Promise<LoginResponse> {
  const user = await users.findByUsername(username);
  // Unknown user and wrong password do the same bcrypt work and give the same answer.
  const passwordMatches = await verifyPassword(password, user?.passwordHash);
  if (!user || !passwordMatches) throw unauthorized(INCORRECT_CREDENTIALS);
  // Only after the password is proven correct may the caller learn that it has expired.
  if (Date.parse(user.passwordExpiration) <= now.getTime()) throw forbidden('Password expired; ask an administrator to set a new one');
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

