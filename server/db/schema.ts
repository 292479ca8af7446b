// The whole schema, one file per capability under schema/ (drizzle-kit reads this file's exports).
export * from './schema/access.js';
export * from './schema/incidents.js';
export * from './schema/maintenance.js';
export * from './schema/notices.js';
export * from './schema/notifications.js';
export * from './schema/privacy.js';
export * from './schema/passkeys.js';
