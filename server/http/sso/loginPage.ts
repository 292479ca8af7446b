import type { AppDeps } from '../../deps.js';
import { ssoEnforced } from '../../domain/sso/passwordSignInPolicy.js';
import { ssoProviders } from '../../domain/sso/providers.js';

/** What the sign-in page shows besides the password form: a button per identity provider, and whether passwords are for break-glass admins only. */
export async function loginPageLocals(deps: AppDeps, next: string, extra: Record<string, unknown> = {}) {
  const providers = ssoProviders(deps.config).map((p) => ({ label: p.label, href: `${p.startPath}?next=${encodeURIComponent(next)}` }));
  const enforced = providers.length > 0 && (await ssoEnforced(deps.database.db));
  return { title: 'Sign in', next, ssoProviders: providers, ssoEnforced: enforced, ...extra };
}
