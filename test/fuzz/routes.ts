/** One route of the Express app: method and path pattern as registered (`/api/v1/incidents/:id`). */
export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

const WRITE = new Set(['post', 'put', 'patch', 'delete']);

const joinPath = (prefix: string, p: string) => (prefix + (p === '/' ? '' : p)).replace(/\/+/g, '/') || '/';

/**
 * Every route registered on an Express 5 app, found by walking its router stack (mounted routers
 * included), so a route added later is enumerated without touching the tests.
 */
export function routesOf(app: { router: { stack: Layer[] } }): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = [layer.route.path].flat() as string[];
        for (const p of paths) for (const m of Object.keys(layer.route.methods)) if (layer.route.methods[m]) out.push({ method: m.toUpperCase(), path: joinPath(prefix, p) });
      } else if (layer.handle?.stack) {
        const raw = layer.rawPath;
        if (typeof raw !== 'string') throw new Error(`a router is mounted on a non-string path (${String(raw)}); teach routesOf about it`);
        walk(layer.handle.stack, joinPath(prefix, raw));
      }
    }
  };
  walk(app.router.stack, '');
  return out;
}

/** The routes that change state: POST, PUT, PATCH and DELETE. */
export const writeRoutes = (app: { router: { stack: Layer[] } }) => routesOf(app).filter((r) => WRITE.has(r.method.toLowerCase()));
