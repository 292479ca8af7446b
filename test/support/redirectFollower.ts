/**
 * A browser's part in a redirect-based sign-in, done by hand with fetch: follows Location headers
 * across sites, keeps each site's cookies apart, and stops where the test wants to look.
 * `aliases` maps an origin a site calls itself by (Beacon's PUBLIC_URL) to where it listens.
 */
export class RedirectFollower {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(private readonly aliases: Record<string, string> = {}) {}

  private resolve(url: string): URL {
    const u = new URL(url);
    const real = this.aliases[u.origin];
    return real ? new URL(u.pathname + u.search, real) : u;
  }

  /** One request as a browser would send it, without following redirects. */
  async get(url: string) {
    const u = this.resolve(url);
    const jar = this.jars.get(u.origin) ?? new Map<string, string>();
    this.jars.set(u.origin, jar);
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, { headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const [name, value] = [pair!.slice(0, i), pair!.slice(i + 1)];
      if (value === '' || /max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    return { url: u.href, status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  /** Follows redirects from `url` until a page answers, or until `stopAt` matches the next URL (returned unvisited). */
  async follow(url: string, stopAt?: RegExp): Promise<{ url: string; status: number; text: string; location: string | null }> {
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      if (stopAt && hops > 0 && stopAt.test(current)) return { url: current, status: 0, text: '', location: null };
      const res = await this.get(current);
      if (res.status < 300 || res.status >= 400 || !res.location) return res;
      current = new URL(res.location, res.url).href;
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** The cookies one site has set in this browser. */
  cookies(origin: string): Map<string, string> {
    return this.jars.get(this.resolve(origin).origin) ?? new Map();
  }

  /** Adds a cookie as another site's script could not, but as a test of Beacon's checks must. */
  setCookie(origin: string, name: string, value: string) {
    const o = this.resolve(origin).origin;
    this.jars.set(o, (this.jars.get(o) ?? new Map()).set(name, value));
  }
}
