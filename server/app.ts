import path from 'node:path';
import express, { type Express } from 'express';
import { ROOT } from './paths.js';
import { engine } from 'express-handlebars';
import { pinoHttp } from 'pino-http';
import type { AppDeps } from './deps.js';
import { errSerializer, scrubRequest } from './logger.js';
import './http/types.js';
import { bearerAuth, sessionAuth } from './http/auth.js';
import { csrf } from './http/csrf.js';
import { flashMessage } from './http/flash.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { helpers } from './http/viewHelpers.js';
import { securityHeaders } from './http/securityHeaders.js';
import { requestIdFor } from './http/requestId.js';
import { countFastPathHits } from './http/fastPath.js';
import { staticAssets } from './http/staticAssets.js';
import { auditRoutes } from './http/routes/api/audit.js';
import { deliveryRoutes } from './http/routes/api/deliveries.js';
import { deliveryConsoleRoutes } from './http/routes/console/deliveries.js';
import { componentRoutes } from './http/routes/api/components.js';
import { incidentRoutes } from './http/routes/api/incidents.js';
import { slaRoutes } from './http/routes/api/slaRoutes.js';
import { noticeRoutes } from './http/routes/api/notices.js';
import { incidentTemplateRoutes } from './http/routes/api/incidentTemplates.js';
import { postmortemRoutes } from './http/routes/api/postmortems.js';
import { calendarRoutes } from './http/routes/public/calendar.js';
import { feedRoutes } from './http/routes/public/feeds.js';
import { publicApiRoutes } from './http/routes/public/publicApi.js';
import { statusPageRoutes } from './http/routes/public/statusPage.js';
import { subscriptionRoutes } from './http/routes/public/subscriptions.js';
import type { SnapshotStore } from './http/snapshot/snapshotStore.js';
import { Health, healthz, readyz } from './http/health.js';
import { metricsRoute, type Metrics } from './http/metrics.js';
import { embedRoutes } from './http/routes/public/embed.js';
import { maintenanceRoutes } from './http/routes/api/maintenances.js';
import { tokenRoutes } from './http/routes/api/tokens.js';
import { userRoutes } from './http/routes/api/users.js';
import { dashboardRoutes } from './http/routes/console/dashboard.js';
import { incidentConsoleRoutes } from './http/routes/console/incidents.js';
import { maintenanceConsoleRoutes } from './http/routes/console/maintenance.js';
import { maintenanceWindowConsoleRoutes } from './http/routes/console/maintenanceWindows.js';
import { sessionRoutes } from './http/routes/console/session.js';
import { oidcRoutes } from './http/routes/console/oidc.js';
import { passwordResetRoutes } from './http/routes/console/passwordReset.js';
import { securityConsoleRoutes } from './http/routes/console/security.js';
import { secondFactorRoutes } from './http/routes/console/secondFactor.js';
import { passkeySignInRoutes } from './http/routes/console/passkeySignIn.js';
import { passkeyConsoleRoutes } from './http/routes/console/passkeys.js';
import { twoFactorGate } from './http/twoFactorGate.js';
import { staffConsoleRoutes } from './http/routes/console/staff.js';
import { componentConsoleRoutes } from './http/routes/console/components.js';
import { slaConsoleRoutes } from './http/routes/console/slaAdmin.js';
import { noticeConsoleRoutes } from './http/routes/console/notices.js';
import { templateConsoleRoutes } from './http/routes/console/templates.js';
import { webhookRoutes } from './http/routes/api/webhooks.js';
import { openApiRoutes } from './http/routes/api/openapi.js';
import { webhookConsoleRoutes } from './http/routes/console/webhooks.js';
import { backupConsoleRoutes } from './http/routes/console/backups.js';
import { BackupJobs } from './backup/backupJobs.js';
import { exportRoutes } from './http/routes/api/export.js';
import { dataConsoleRoutes, IMPORT_BODY_LIMIT, importFormParser } from './http/routes/console/data.js';
import { importRoutes } from './http/routes/api/import.js';
import { samlAcsBody, samlRoutes } from './http/routes/console/saml.js';
import { samlMetadataRoutes } from './http/routes/public/samlMetadata.js';
import type { CommittedEvent } from './domain/context.js';
import { SAML_ACS_PATH, SamlServiceProvider } from './http/saml/samlServiceProvider.js';

export { ROOT };

/**
 * Runtime hooks the app calls; `afterWrite` lets the outbox fan out (and the public snapshot
 * rebuild) right after a write commits, with the events its transaction recorded when known.
 */
export interface AppHooks {
  afterWrite: (committed: readonly CommittedEvent[]) => void;
}

/** Builds the Express app without listening, so tests drive it in-process. */
export function createApp(deps: AppDeps, snapshot: SnapshotStore, metrics?: Metrics, hooks: AppHooks = { afterWrite: () => {} }, health: Health = Object.assign(new Health(), { started: true }), backups: BackupJobs = new BackupJobs(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  // One hop: req.ip is the address our reverse proxy appended to X-Forwarded-For, not the leftmost
  // entry (which any client can write), so per-address limits cannot be dodged with a forged header.
  app.set('trust proxy', deps.config.TRUST_PROXY ? 1 : false);
  app.engine('hbs', engine({ extname: '.hbs', defaultLayout: 'main', helpers }));
  app.set('view engine', 'hbs');
  app.set('views', path.join(ROOT, 'views'));
  app.locals.pageName = deps.config.PAGE_NAME;
  const saml = deps.config.saml ? new SamlServiceProvider(deps, deps.config.saml) : null;

  app.use(
    pinoHttp({
      logger: deps.logger,
      // pino-http brings its own serializers; ours withhold query parameters and link secrets (logger.ts).
      serializers: { err: errSerializer, req: scrubRequest },
      genReqId: (req, res) => {
        const id = requestIdFor(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );
  app.use(securityHeaders(deps.config));
  // A write's outbox events fan out the moment its transaction commits, not at the dispatcher's next
  // poll and not after the response is built (the live push should not wait for the staff answer);
  // a write that committed no transaction through a verb context is looked at when it has answered.
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
      let committed = false;
      req.onCommit = (events) => {
        committed = true;
        hooks.afterWrite(events);
      };
      res.on('finish', () => committed || hooks.afterWrite([]));
    }
    next();
  });
  if (metrics) {
    countFastPathHits(app, metrics); // the fast path (fastPath.ts) bypasses the middleware below
    app.use(metrics.middleware);
    app.get('/metrics', metricsRoute(metrics, deps.config.METRICS_TOKEN));
  }

  app.get('/healthz', healthz);
  app.get('/readyz', readyz(deps.database, health));

  app.use('/public', staticAssets(path.join(ROOT, 'public'), { cacheControl: 'public, max-age=3600' }));

  // Public reads come from the snapshot, ahead of the staff API's body parsing and auth.
  app.use(publicApiRoutes(deps, snapshot));

  // Public subscriptions (JSON API and signed-link forms), ahead of the staff API's auth.
  app.use(subscriptionRoutes(deps));

  // The staff API's description and reference page are public: they say what it accepts, hold nothing.
  app.use('/api/v1', openApiRoutes(deps));

  const api = express.Router();
  // A Statuspage history is bigger than any other request; only the import gets the larger limit.
  api.use('/import/statuspage', express.json({ limit: IMPORT_BODY_LIMIT, strict: true }));
  api.use(express.json({ limit: '100kb', strict: true }));
  api.use(bearerAuth(deps));
  api.use(tokenRoutes(deps));
  api.use(userRoutes(deps));
  api.use(auditRoutes(deps));
  api.use(deliveryRoutes(deps));
  api.use(componentRoutes(deps));
  api.use(incidentRoutes(deps));
  api.use(slaRoutes(deps));
  api.use(noticeRoutes(deps));
  api.use(incidentTemplateRoutes(deps));
  api.use(postmortemRoutes(deps));
  api.use(maintenanceRoutes(deps));
  api.use(webhookRoutes(deps));
  api.use(exportRoutes(deps));
  api.use(importRoutes(deps));
  app.use('/api/v1', api);

  const consoleRouter = express.Router();
  consoleRouter.use('/import/statuspage', importFormParser);
  const samlAcs = SAML_ACS_PATH.slice('/console'.length);
  consoleRouter.use(samlAcs, samlAcsBody);
  consoleRouter.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 }));
  consoleRouter.use(sessionAuth(deps));
  // The SAML ACS is posted cross-site by the IdP; the signed assertion is its proof (routes/console/saml.ts).
  consoleRouter.use(csrf(deps.sessionSecret, deps.config.secureCookies, new Set([samlAcs])));
  consoleRouter.use(flashMessage);
  consoleRouter.use(twoFactorGate(deps));
  consoleRouter.use(sessionRoutes(deps));
  consoleRouter.use(oidcRoutes(deps));
  consoleRouter.use(samlRoutes(deps, saml));
  consoleRouter.use(secondFactorRoutes(deps));
  consoleRouter.use(passkeySignInRoutes(deps));
  consoleRouter.use(passwordResetRoutes(deps));
  consoleRouter.use(securityConsoleRoutes(deps));
  consoleRouter.use(passkeyConsoleRoutes(deps));
  consoleRouter.use(staffConsoleRoutes(deps));
  consoleRouter.use(deliveryConsoleRoutes(deps));
  consoleRouter.use(componentConsoleRoutes(deps));
  consoleRouter.use(noticeConsoleRoutes(deps));
  consoleRouter.use(templateConsoleRoutes(deps));
  consoleRouter.use(slaConsoleRoutes(deps));
  consoleRouter.use(incidentConsoleRoutes(deps));
  consoleRouter.use(maintenanceConsoleRoutes(deps));
  consoleRouter.use(maintenanceWindowConsoleRoutes(deps));
  consoleRouter.use(webhookConsoleRoutes(deps));
  consoleRouter.use(backupConsoleRoutes(deps, backups));
  consoleRouter.use(dataConsoleRoutes(deps));
  consoleRouter.use(dashboardRoutes(deps));
  app.use('/console', consoleRouter);

  app.use(samlMetadataRoutes(saml));
  app.use(calendarRoutes(deps));
  app.use(embedRoutes(deps));
  app.use(feedRoutes(deps, snapshot));
  app.use(statusPageRoutes(deps, snapshot, app));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
