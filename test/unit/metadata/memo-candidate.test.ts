import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { candidateUserAgent } from '../../../src/metadata/response-fast-path.js';

/** What Node itself makes of a raw header list: the parsed `headers` object of a real IncomingMessage. */
function nodeHeaders(raw: string[]): IncomingMessage['headers'] {
  const message = new IncomingMessage(new Socket());
  // Node's own (undocumented but stable since v0.x) parser hook: the headers exactly as a request would get them.
  (message as unknown as { _addHeaderLines(headers: string[], n: number): void })._addHeaderLines(raw, raw.length);
  return message.headers;
}

const DISQUALIFYING = ['X-aws-ec2-metadata-token', 'x-forwarded-for', 'Content-Length', 'TRANSFER-ENCODING'];

describe('memo candidates from the raw header list', () => {
  const cases: string[][] = [
    [],
    ['Host', '169.254.169.254'],
    ['Host', 'x', 'User-Agent', 'Cloud-Init/22.4.2'],
    ['user-agent', 'first', 'USER-AGENT', 'second'],
    ['Host', 'x', 'Accept', '*/*', 'Accept-Encoding', 'gzip', 'Connection', 'keep-alive'],
    ['X-Aws-Ec2-Metadata-Token-Ttl-Seconds', '21600', 'User-Agent', 'aws-sdk'],
    ['Content-Type', 'text/plain', 'User-Agentx', 'not it'],
    ...DISQUALIFYING.map((name) => ['Host', 'x', name, '1', 'User-Agent', 'curl']),
  ];

  it.each(cases.map((raw) => [raw.join(' '), raw] as const))('agrees with Node for [%s]', (_label, raw) => {
    const headers = nodeHeaders(raw);
    const isCandidate = ['x-aws-ec2-metadata-token', 'x-forwarded-for', 'content-length', 'transfer-encoding'].every((h) => headers[h] === undefined);
    const got = candidateUserAgent(raw);
    if (!isCandidate) expect(typeof got).toBe('symbol');
    else expect(got).toBe(headers['user-agent'] ?? null);
  });
});
