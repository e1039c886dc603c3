/** The repositories request handlers use: one client per process, tables from the config. */
import { config } from '../config';
import { AuthHeaderRepository } from './authHeaders';
import { documentClient } from './client';
import { UserRepository } from './users';

export const users = new UserRepository(documentClient, config.tables.users, config.tables.authHeaders);
export const authHeaders = new AuthHeaderRepository(documentClient, config.tables.authHeaders, config.tables.users);
