/**
 * The runtime's ceiling for the metadata benchmark: a bare node:http server that answers every
 * request with exactly the status, headers and body minicloud answered for the benchmarked path
 * (captured by the runner and passed in as JSON). No routing, no logging, no lookups.
 *
 * Usage: tsx bare-server.ts PORT RESPONSE_JSON_FILE   (prints "listening" once ready)
 * RESPONSE_JSON_FILE: {"status": 200, "headers": [[name, value], ...], "bodyBase64": "..."}
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

interface CapturedResponse {
  status: number;
  headers: [string, string][];
  bodyBase64: string;
}

const [portArg, responseFile] = process.argv.slice(2);
if (!portArg || !responseFile) {
  process.stderr.write('usage: bare-server.ts PORT RESPONSE_JSON_FILE\n');
  process.exit(2);
}
const captured = JSON.parse(readFileSync(responseFile, 'utf8')) as CapturedResponse;
const body = Buffer.from(captured.bodyBase64, 'base64');
// Flattened [name, value, name, value, …]: the cheapest form writeHead accepts.
const headers = captured.headers.flat();

const server = createServer((_req, res) => {
  res.writeHead(captured.status, headers);
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write('listening\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
