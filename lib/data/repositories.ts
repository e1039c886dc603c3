/** The repositories request handlers use: one client and one table per process. */
import { config } from '../config';
import { AuthHeaderRepository } from './authHeaders';
import { documentClient } from './client';
import { UserRepository } from './users';

export const users = new UserRepository(documentClient, config.tableName);
export const authHeaders = new AuthHeaderRepository(documentClient, config.tableName);
