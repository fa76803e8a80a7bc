import { followConsoleLog } from '../../../src/adapters/hypervisor/guest-console.js';

/** Follows a console log until `pattern` matches; rejects after `timeoutMs` with the log's tail. */
export async function waitForConsole(logPath: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  let text = '';
  try {
    for await (const chunk of followConsoleLog(logPath, { signal: ac.signal, pollMs: 50 })) {
      text += chunk.toString('utf8');
      const m = pattern.exec(text);
      if (m) return m[0];
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  throw new Error(`console ${logPath} did not show ${pattern} within ${timeoutMs} ms; last lines:\n${text.split('\n').slice(-15).join('\n')}`);
}
