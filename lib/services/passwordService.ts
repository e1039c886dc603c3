/**
 * POST /user/password: the way out of an expired password. Credentials are checked exactly as at
 * login (same throttle, same 401, same bcrypt work for unknown users); then the one code path that
 * sets passwords (userService.applyNewPassword) runs, and the new session starts in the same
 * transaction as the change, which ends every earlier one.
 */
import { loginThrottle, sessions, users } from '../data/repositories';
import { checkCredentials } from './loginService';
import { prepareSession, type LoginResponse } from './sessionService';
import { applyNewPassword } from './userService';

export async function changePassword(username: string, password: string, newPassword: string, sourceIp: string, now: Date = new Date()): Promise<LoginResponse> {
  // Works whether or not the current password has expired: proving it is what counts.
  const { user, attempt } = await checkCredentials(username, password, sourceIp, now);
  const setNewPassword = async () => {
    let started: Awaited<ReturnType<typeof prepareSession>> | undefined;
    await applyNewPassword(users, user, newPassword, {
      currentPassword: password,
      now,
      alsoWrite: async (changed) => {
        started = await prepareSession(changed, now);
        return [sessions.startItem(started.item)];
      },
    });
    return (started as NonNullable<typeof started>).response;
  };
  // The current password is proven: its failure count starts again (even if the new one is refused),
  // in parallel with the change.
  const [, response] = await Promise.all([loginThrottle.recordSuccess(attempt, now), setNewPassword()]);
  return response;
}
