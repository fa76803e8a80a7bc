import { errors } from '../errors/catalogue.js';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration flag into milliseconds: `300` (seconds, as Multipass takes it), `500ms`, `90s`,
 * `5m`, `1h`, or compounds like `1m30s` (as Lima takes it). Throws MC_ERR_BAD_DURATION.
 */
export function parseDuration(value: string, flag = '--timeout'): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const parts = [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== v) throw errors.badDuration(flag, value);
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (DURATION_UNITS[p[2] ?? ''] ?? 0), 0));
}

const SIZE_UNITS: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * Parses a size flag into bytes: `256M`, `1G`, `1.5G`, `512MiB`, `2GB` (powers of 1024, as QEMU and
 * Multipass read them). A bare number means MiB. Throws MC_ERR_BAD_SIZE.
 */
export function parseSize(value: string, flag = '--memory'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])?(?:i?B)?$/i.exec(value.trim());
  if (!m) throw errors.badSize(flag, value);
  const unit = m[2] ? (SIZE_UNITS[m[2].toUpperCase()] ?? 0) : SIZE_UNITS['M'] ?? 0;
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes <= 0) throw errors.badSize(flag, value);
  return bytes;
}

/** A memory size (parseSize's forms) in whole MiB, as guests are given memory. Throws MC_ERR_BAD_SIZE. */
export function parseMemoryMiB(value: string, flag = '--memory'): number {
  return Math.round(parseSize(value, flag) / 2 ** 20);
}

/** `1.2 s`, `850 ms`, `2 m 05 s`: how durations are printed everywhere. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} m ${String(s).padStart(2, '0')} s`;
}

/** `256M`, `1G`, `1.5G`: the inverse of parseSize for display. */
export function formatSize(bytes: number): string {
  for (const unit of ['T', 'G', 'M', 'K'] as const) {
    const n = bytes / (SIZE_UNITS[unit] ?? 1);
    if (n >= 1) return `${Number.isInteger(n) ? n : n.toFixed(1)}${unit}`;
  }
  return `${bytes}B`;
}
