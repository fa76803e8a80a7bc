import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs` (ages and the spinner are pure functions of it).
 * The timer is unref'd: a TUI clock never keeps the process alive on its own.
 */
export function useNow(now: () => number, intervalMs: number): number {
  const [value, setValue] = useState(now);
  useEffect(() => {
    const timer = setInterval(() => setValue(now()), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }, [now, intervalMs]);
  return value;
}
