/**
 * POST /user/password: the way out of an expired password. Credentials are checked exactly as at
 * login (same throttle, same 401, same bcrypt work for unknown users); then the one code path that
 * sets passwords (userService.applyNewPassword) runs, and the new session starts in the same
 * transaction as the change, which ends every earlier one.
 */
import { audit, type AuditContext } from '../audit';
import { sessions, users } from '../data/repositories';
import { checkCredentials } from './loginService';
import { prepareSession, type LoginResponse } from './sessionService';
import { applyNewPassword } from './userService';

export async function changePassword(username: string, password: string, newPassword: string, context: AuditContext, now: Date = new Date()): Promise<LoginResponse> {
  // Works whether or not the current password has expired: proving it is what counts.
  const user = await checkCredentials(username, password, context, now);
  let started: Awaited<ReturnType<typeof prepareSession>> | undefined;
  await applyNewPassword(users, user, newPassword, {
    currentPassword: password,
    now,
    alsoWrite: async (changed) => {
      started = await prepareSession(changed, now);
      return [sessions.startItem(started.item)];
    },
  });
  audit('password.changed', context, { userId: user.id, username: user.username });
  return (started as NonNullable<typeof started>).response;
}
