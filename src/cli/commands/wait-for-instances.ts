import type { ApiClient } from '../../api/api-client.js';
import { describeCondition, firstUnmet, waitSatisfied, type WaitCondition } from '../../core/wait-for.js';
import { errors, MinicloudError } from '../../errors/catalogue.js';
import type { ExitCode } from '../../errors/exit-codes.js';
import { err } from './cli-context.js';
import { metadataLine } from '../../core/metadata-line.js';

/**
 * Waits until every instance meets every condition, polling the controller. A recorded failure ends
 * the wait with that failure's exit code (4 boot, 6 cloud-init); the deadline ends it with exit 5,
 * after printing the diagnosis: stage, hint, last console lines, last metadata requests.
 */
export async function waitForInstances(client: ApiClient, ids: string[], conditions: WaitCondition[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const consoles = new Map<string, { text: string; offset: number }>(ids.map((id) => [id, { text: '', offset: 0 }]));
  const needsConsole = conditions.some((c) => c.kind === 'console');
  const pending = new Set(ids);
  while (pending.size > 0) {
    if (signal?.aborted) throw errors.interrupted('SIGINT');
    for (const id of [...pending]) {
      const info = await client.info(id);
      if (info.failure) {
        await printDiagnosis(client, id, info.failure.message);
        throw new MinicloudError(info.failure.code, info.failure.message, info.failure.exit as ExitCode, 500, info.failure.hint ?? undefined);
      }
      const con = consoles.get(id) ?? { text: '', offset: 0 };
      if (needsConsole) {
        const chunk = await client.console(id, con.offset);
        con.text = (con.text + chunk.data.toString('utf8')).slice(-1_000_000);
        con.offset = chunk.nextOffset;
      }
      if (waitSatisfied(conditions, info.stage, con.text)) {
        pending.delete(id);
        continue;
      }
      if (Date.now() > deadline) {
        const unmet = firstUnmet(conditions, info.stage, con.text);
        await printDiagnosis(client, id, `stuck at ${info.stage}`);
        throw errors.readinessTimeout(info.name, unmet ? describeCondition(unmet) : info.stage, Math.round(timeoutMs / 1000));
      }
    }
    if (pending.size > 0) await new Promise((r) => setTimeout(r, 300));
  }
}

/** Prints (to stderr) why an instance is not ready. */
async function printDiagnosis(client: ApiClient, id: string, headline: string): Promise<void> {
  const info = await client.info(id);
  const diagnosis = await client.diagnosis(id);
  err(`${info.name} (${info.id}): ${headline}`);
  if (diagnosis) err(`  waiting for ${diagnosis.waitingFor}: ${diagnosis.hint}`);
  const consoleTail = (await client.console(id, 0)).data.toString('utf8').split(/\r?\n/).filter(Boolean).slice(-20);
  err(consoleTail.length > 0 ? '  last console lines:' : '  the console printed nothing');
  for (const line of consoleTail) err(`    | ${line}`);
  const requests = await client.metadataLog({ instance: id, limit: 10 });
  err(requests.length > 0 ? '  last metadata requests:' : '  no metadata requests');
  for (const r of requests) err(`    ${metadataLine(r)}`);
}
