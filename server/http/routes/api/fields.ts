import { z } from 'zod';
import { roles } from '../../../domain/roles.js';
import { MIN_PASSWORD_LENGTH } from '../../../domain/secrets.js';

// Shared field rules for staff input (API and console forms), with limits on every string.
export const emailField = z.string().trim().max(254).email('must be an e-mail address');
export const passwordField = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'must be at most 256 characters');
export const nameField = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
export const roleField = z.enum(roles, { message: `must be one of ${roles.join(', ')}` });
