/**
 * The strict parser in front of node:http for the socket fast path (socket-fast-path.ts). It recognises
 * only the plainest HTTP/1.1 request a metadata client sends — and reports everything else as "not
 * simple", so that node:http (and fastify behind it) parse and answer it as before. It never answers
 * and never rejects anything itself: being wrong in the strict direction costs only speed.
 *
 * Simple means, for the bytes from `offset`:
 *   - the whole head (request line + headers + the empty line) is there and at most `maxHeadBytes` long;
 *   - request line `GET|HEAD SP origin-form SP HTTP/1.1`, the target visible ASCII starting with `/`;
 *   - every header line `token ":" OWS value OWS`, the value printable ASCII (no obs-fold, no bare CR/LF,
 *     no bytes >= 0x80);
 *   - exactly one Host header;
 *   - none of Content-Length, Transfer-Encoding (no body, no smuggling), X-aws-ec2-metadata-token,
 *     X-Forwarded-For (their answers depend on more than the URL), Expect, Upgrade, and Connection
 *     other than `keep-alive` (node:http decides what those mean).
 * A simple request has no body, so it ends where its head ends.
 */
export interface SimpleRequest {
  method: 'GET' | 'HEAD';
  /** The request target exactly as sent. */
  url: string;
  /** The first User-Agent value, trimmed as Node reports it; null when absent. */
  userAgent: string | null;
  /** Offset just past this request in the buffer. */
  end: number;
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const REQUEST_LINE = /^(GET|HEAD) (\/[!-~]*) HTTP\/1\.1$/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*([ -~\t]*?)[ \t]*$/;

/** Lower-case names whose presence makes a request not simple (Connection is checked by value). */
const NOT_SIMPLE_HEADERS: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'x-aws-ec2-metadata-token',
  'x-forwarded-for',
  'expect',
  'upgrade',
]);

/** The simple request starting at `offset`, or null when there is none (see above). Pure; reads only `buffer`. */
export function parseSimpleRequest(buffer: Buffer, offset: number, maxHeadBytes: number): SimpleRequest | null {
  const headEnd = buffer.indexOf(HEAD_END, offset);
  if (headEnd === -1 || headEnd + 4 - offset > maxHeadBytes) return null;
  const lines = buffer.toString('latin1', offset, headEnd).split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0] as string);
  if (requestLine === null) return null;
  let userAgent: string | null = null;
  let hosts = 0;
  for (let i = 1; i < lines.length; i++) {
    const header = HEADER_LINE.exec(lines[i] as string);
    if (header === null) return null; // also a bare CR or LF inside the head: neither matches a value
    const name = (header[1] as string).toLowerCase();
    const value = header[2] as string;
    if (NOT_SIMPLE_HEADERS.has(name)) return null;
    if (name === 'host') hosts++;
    else if (name === 'connection' && value.toLowerCase() !== 'keep-alive') return null;
    else if (name === 'user-agent' && userAgent === null) userAgent = value;
  }
  if (hosts !== 1) return null;
  return { method: requestLine[1] as 'GET' | 'HEAD', url: requestLine[2] as string, userAgent, end: headEnd + 4 };
}
