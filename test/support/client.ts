import { PASSWORD, staff } from './factories.js';

/** A small fetch wrapper: JSON in and out, optional bearer token, a cookie jar for console flows. */
export class Client {
  private cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* html */
    }
    return { status: res.status, headers: res.headers, text, body: json };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request('POST', path, body, headers);
  }
  patch(path: string, body?: unknown) {
    return this.request('PATCH', path, body);
  }
  put(path: string, body?: unknown) {
    return this.request("PUT", path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }

  /** Submits a console form the way a browser does, with the CSRF token from the page. */
  async form(path: string, fields: Record<string, string>, csrfFrom?: string) {
    const page = await this.get(csrfFrom ?? path, { accept: 'text/html' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const body = new URLSearchParams({ _csrf: csrf, ...fields }).toString();
    return this.request('POST', path, body, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
  }

  /** The jar as a Cookie header, for tests that send requests of their own. */
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasCookie(name: string) {
    return this.cookies.has(name);
  }
}

/**
 * Signs a fresh staff member of `role` into the console: `c` holds the session cookie, `api` the
 * same person's bearer token.
 */
export async function signInAs(baseUrl: string, role: 'admin' | 'regular' | 'observer') {
  const who = await staff(role);
  const c = new Client(baseUrl);
  const res = await c.form('/console/login', { email: who.email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`console sign-in failed with ${res.status}`);
  return { c, api: new Client(baseUrl, who.token), who };
}
