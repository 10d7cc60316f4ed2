import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BasicCredentials {
  username: string;
  password: string;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * HTTP Basic authentication with one user, as Confluent's registry does with
 * `authentication.method=BASIC`: any other request gets 401 with Confluent's error body. `GET
 * /health` stays open, for probes. Credentials are compared as digests in constant time.
 */
export function basicAuthMiddleware(credentials: BasicCredentials, contentType: string) {
  const expected = digest(`${credentials.username}:${credentials.password}`);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/health') return next();
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (match !== null && timingSafeEqual(digest(Buffer.from(match[1], 'base64').toString('utf8')), expected)) return next();
    res.statusCode = 401;
    res.setHeader('WWW-Authenticate', 'Basic realm="ids-schema-registry"');
    res.setHeader('Content-Type', contentType);
    res.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
  };
}
