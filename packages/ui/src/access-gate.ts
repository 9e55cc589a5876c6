import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE = 'modelreg_ui';

export type GateDecision =
  | { kind: 'allow' }
  /** The token came in the URL: set the cookie and send the browser to the same page without it. */
  | { kind: 'accept-token'; location: string; cookie: string }
  | { kind: 'deny'; status: 401 | 421; message: string };

/**
 * Who may read. On loopback: anyone on this machine, but only under a loopback Host header, so a
 * web page that rebinds its own domain name to 127.0.0.1 cannot read the registry. Elsewhere: only
 * requests carrying the access token, as a cookie (set once from the printed URL) or a Bearer header.
 */
export class AccessGate {
  readonly #tokenDigest: Buffer | undefined;

  constructor(
    token: string | undefined,
    private readonly loopbackHosts: ReadonlySet<string>,
  ) {
    this.#tokenDigest = token === undefined ? undefined : digest(token);
  }

  decide(request: IncomingMessage, url: URL): GateDecision {
    if (this.#tokenDigest === undefined) {
      return this.loopbackHosts.has(request.headers.host ?? '')
        ? { kind: 'allow' }
        : { kind: 'deny', status: 421, message: 'This server answers only to a loopback address (127.0.0.1, localhost, [::1]).' };
    }
    const fromUrl = url.searchParams.get('token');
    if (fromUrl !== null && this.matches(fromUrl)) {
      url.searchParams.delete('token');
      return { kind: 'accept-token', location: `${url.pathname}${url.search}`, cookie: `${COOKIE}=${fromUrl}; HttpOnly; SameSite=Strict; Path=/` };
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.matches(bearer)) return { kind: 'allow' };
    const cookie = readCookie(request.headers.cookie, COOKIE);
    if (cookie !== undefined && this.matches(cookie)) return { kind: 'allow' };
    return { kind: 'deny', status: 401, message: 'An access token is required: open the URL that `modelreg ui` printed (it holds the token), or send "Authorization: Bearer <token>".' };
  }

  /** Constant-time: both sides are hashed to the same length first, so neither length nor content leaks through timing. */
  private matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.#tokenDigest!);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
