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
// The body as a latin1 string: byte for byte the same, and node:http then appends it to the head as one
// chunk (a Buffer body is a chunk of its own in the socket's writev): the cheapest form, as a ceiling
// should be. minicloud answers text the same way (src/metadata/metadata-tree.ts).
const body = Buffer.from(captured.bodyBase64, 'base64').toString('latin1');
// Flattened [name, value, name, value, …]: the cheapest form writeHead accepts.
const headers = captured.headers.flat();

const server = createServer((_req, res) => {
  res.writeHead(captured.status, headers);
  res.end(body, 'latin1');
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write('listening\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
