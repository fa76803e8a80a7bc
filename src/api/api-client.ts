import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { PruneResult } from '../controller/controller.js';
import type { CloudEventView } from '../domain/cloud-event.js';
import type { InstanceInfo } from '../core/instance-view.js';
import type { FaultRuleSpec } from '../core/fault-rule-spec.js';
import type { Diagnosis } from '../core/readiness-hints.js';
import type { FaultRuleView } from '../domain/fault-rule.js';
import type { InstanceSummary, MinicloudEvent } from '../domain/events.js';
import type { MetadataRequestRecord } from '../domain/metadata-request.js';
import { errors, isMinicloudError, MinicloudError } from '../errors/catalogue.js';
import type { ExitCode } from '../errors/exit-codes.js';
import type { MaintenanceBody, SpotBody } from './cloud-event-routes.js';
import { CONSOLE_UPGRADE, SkippedRequestsEventSchema, type ApiErrorBody, type CloudStatus, type LaunchBody, type MetadataPatch } from './api-schemas.js';

const skippedRequestsCheck = TypeCompiler.Compile(SkippedRequestsEventSchema);

interface RawResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * Typed client of the controller API over its unix socket. A refused or missing socket becomes
 * MC_ERR_CONTROLLER_NOT_RUNNING; an error answer becomes the controller's own MinicloudError (same
 * code, exit code and hint), so the CLI exits exactly as if the error had happened in-process.
 */
export class ApiClient {
  readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  status(): Promise<CloudStatus> {
    return this.json('GET', '/v1/status');
  }
  /**
   * The status, or null when no controller is running (nothing listens on the socket). Any other failure
   * (a controller that answers with an error, a socket we may not open) is thrown: it is not "not running".
   */
  async statusIfRunning(): Promise<CloudStatus | null> {
    try {
      return await this.status();
    } catch (err) {
      if (isMinicloudError(err) && err.code === errors.controllerNotRunning.code) return null;
      throw err;
    }
  }
  list(): Promise<InstanceSummary[]> {
    return this.json('GET', '/v1/instances');
  }
  launch(body: LaunchBody): Promise<InstanceSummary[]> {
    return this.json('POST', '/v1/instances', body);
  }
  info(ref: string): Promise<InstanceInfo> {
    return this.json('GET', `/v1/instances/${encodeURIComponent(ref)}`);
  }
  /** Deletes one instance by name or id (an instance may be called `all`: that is still one instance). */
  /** The password the guest posted to the OpenStack password route; null if it posted none. */
  async password(ref: string): Promise<string | null> {
    return (await this.json<{ password: string | null }>('GET', `/v1/instances/${encodeURIComponent(ref)}/password`)).password;
  }
  remove(ref: string): Promise<{ deleted: string[] }> {
    return this.json('DELETE', `/v1/instances/${encodeURIComponent(ref)}`);
  }
  removeAll(): Promise<{ deleted: string[] }> {
    return this.json('DELETE', '/v1/instances');
  }
  setMetadata(ref: string, patch: MetadataPatch): Promise<InstanceInfo> {
    return this.json('PATCH', `/v1/instances/${encodeURIComponent(ref)}/metadata`, patch);
  }
  async diagnosis(ref: string): Promise<Diagnosis | null> {
    return (await this.json<{ diagnosis: Diagnosis | null }>('GET', `/v1/instances/${encodeURIComponent(ref)}/diagnosis`)).diagnosis;
  }
  async console(ref: string, offset: number): Promise<{ data: Buffer; nextOffset: number }> {
    const res = await this.send('GET', `/v1/instances/${encodeURIComponent(ref)}/console?offset=${offset}`);
    this.throwIfError(res);
    return { data: res.body, nextOffset: Number(res.headers['x-next-offset'] ?? offset) };
  }
  metadataLog(q: { instance?: string; since?: number; limit?: number }): Promise<MetadataRequestRecord[]> {
    const params = new URLSearchParams();
    if (q.instance) params.set('instance', q.instance);
    if (q.since !== undefined) params.set('since', String(q.since));
    if (q.limit !== undefined) params.set('limit', String(q.limit));
    return this.json('GET', `/v1/metadata-log?${params.toString()}`);
  }
  /**
   * Attaches to an instance's serial console (HTTP Upgrade, see api-app.ts): resolves with the socket,
   * which is the guest's serial line both ways. A refusal becomes the controller's coded error.
   */
  attachConsole(ref: string): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.socketPath,
        path: `/v1/instances/${encodeURIComponent(ref)}/console/attach`,
        method: 'GET',
        headers: { connection: 'Upgrade', upgrade: CONSOLE_UPGRADE },
      });
      req.once('upgrade', (_res, socket, head) => {
        if (head.length > 0) socket.unshift(head);
        resolve(socket);
      });
      req.once('response', (res) => {
        readResponse(res).then((raw) => {
          this.throwIfError(raw);
          throw errors.apiRequestFailed(raw.status, 'the controller did not switch to the console');
        }).catch(reject);
      });
      req.once('error', (err) => reject(this.connectError(err)));
      req.end();
    });
  }
  /** The cloud's fault rules with their hits (docs/faults.md). */
  faults(): Promise<FaultRuleView[]> {
    return this.json('GET', '/v1/faults');
  }
  addFault(spec: FaultRuleSpec): Promise<FaultRuleView> {
    return this.json('POST', '/v1/faults', spec);
  }
  removeFault(id: string): Promise<{ removed: string[] }> {
    return this.json('DELETE', `/v1/faults/${encodeURIComponent(id)}`);
  }
  removeAllFaults(): Promise<{ removed: string[] }> {
    return this.json('DELETE', '/v1/faults');
  }
  /** Every cloud event of the cloud with its status (docs/events.md). */
  cloudEvents(): Promise<CloudEventView[]> {
    return this.json('GET', '/v1/cloud-events');
  }
  spotEvent(ref: string, body: SpotBody): Promise<CloudEventView> {
    return this.json('POST', `/v1/instances/${encodeURIComponent(ref)}/cloud-events/spot`, body);
  }
  maintenanceEvent(ref: string, body: MaintenanceBody): Promise<CloudEventView> {
    return this.json('POST', `/v1/instances/${encodeURIComponent(ref)}/cloud-events/maintenance`, body);
  }
  rebalanceEvent(ref: string): Promise<CloudEventView> {
    return this.json('POST', `/v1/instances/${encodeURIComponent(ref)}/cloud-events/rebalance`, {});
  }
  cancelCloudEvent(id: string): Promise<CloudEventView> {
    return this.json('DELETE', `/v1/cloud-events/${encodeURIComponent(id)}`);
  }
  prune(): Promise<PruneResult> {
    return this.json('POST', '/v1/prune');
  }
  down(): Promise<{ stopping: boolean }> {
    return this.json('POST', '/v1/down');
  }

  /**
   * Streams events (NDJSON) to `onEvent` until `signal` aborts or the controller closes the stream.
   * Resolves when the stream ends. `requests: 'summary'` (with follow) asks for the last `keep`
   * metadata requests per source and flush window plus `metadata.requests.skipped` counts (see
   * EventsQuerySchema); those counts are schema-checked, and a malformed one fails the stream.
   */
  events(opts: { follow: boolean; replay: boolean; signal?: AbortSignal; requests?: 'full' | 'summary'; keep?: number }, onEvent: (e: MinicloudEvent) => void): Promise<void> {
    const query = `follow=${opts.follow}&replay=${opts.replay}${opts.requests ? `&requests=${opts.requests}` : ''}${opts.keep !== undefined ? `&keep=${opts.keep}` : ''}`;
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path: `/v1/events?${query}`, method: 'GET', ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          readResponse(res).then((raw) => this.throwIfError(raw)).catch(reject);
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as MinicloudEvent;
            if (event.type === 'metadata.requests.skipped' && !skippedRequestsCheck.Check(event)) {
              const first = skippedRequestsCheck.Errors(event).First();
              reject(errors.apiRequestFailed(res.statusCode ?? 0, `malformed metadata.requests.skipped event (${first ? `${first.path}: ${first.message}` : 'schema'}): ${line.slice(0, 200)}`));
              req.destroy();
              return;
            }
            onEvent(event);
          }
        });
        res.on('end', () => resolve());
        res.on('error', (err) => (opts.signal?.aborted ? resolve() : reject(err)));
      });
      req.on('error', (err) => (opts.signal?.aborted ? resolve() : reject(this.connectError(err))));
      req.end();
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    this.throwIfError(res);
    return JSON.parse(res.body.toString('utf8')) as T;
  }

  private throwIfError(res: RawResponse): void {
    if (res.status < 400) return;
    let parsed: Partial<ApiErrorBody>;
    try {
      parsed = JSON.parse(res.body.toString('utf8')) as Partial<ApiErrorBody>;
    } catch (err) {
      throw errors.apiRequestFailed(res.status, res.body.toString('utf8').slice(0, 200)).causedBy(err);
    }
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string' && typeof parsed.exit === 'number') {
      throw new MinicloudError(parsed.code, parsed.message, parsed.exit as ExitCode, res.status, parsed.hint ?? undefined);
    }
    throw errors.apiRequestFailed(res.status, res.body.toString('utf8').slice(0, 200));
  }

  private connectError(err: Error): Error {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ECONNREFUSED' ? errors.controllerNotRunning(this.socketPath).causedBy(err) : err;
  }

  private send(method: string, path: string, body?: unknown): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        { socketPath: this.socketPath, path, method, headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {} },
        (res) => {
          readResponse(res).then(resolve, reject);
        },
      );
      req.on('error', (err) => reject(this.connectError(err)));
      req.end(payload);
    });
  }
}

/** A whole response: status, headers and the body collected. */
function readResponse(res: IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    res.on('error', reject);
  });
}
