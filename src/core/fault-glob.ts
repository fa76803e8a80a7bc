import { errors } from '../errors/catalogue.js';

/**
 * The path language of fault rules (docs/faults.md): a glob over the request path, compiled once per
 * rule. `*` is any text within one segment (never a `/`), `**` (a whole segment) is any number of
 * segments, none included; everything else is literal and case-sensitive. A trailing slash is
 * optional on both sides, as the metadata routes treat it: `/latest/meta-data/**` matches
 * `/latest/meta-data`, `/latest/meta-data/` and everything below.
 *
 * Matching works on path segments, split once per request (pathSegments) and shared by every rule, so
 * a rule costs a few string comparisons, not a regex run: a glob without `**` first compares its
 * segment count (most rules that do not match stop there), literal segments compare with `===`. With
 * 1,000 rules this made the check 15-20x cheaper than one anchored regex per rule (docs/faults.md,
 * "Cost"; bench/faults).
 */
export interface CompiledGlob {
  /** The path as written in the rule. */
  readonly source: string;
  /** Whether a path (as faultPath returns it) matches. */
  matches(path: string): boolean;
  /** The same for a path already split by pathSegments (null: it matches no glob). */
  matchesSegments(path: PathSegments | null): boolean;
}

/**
 * A request path split at `/` once, for every rule to match against: `full` has a last empty segment
 * when the path ends with `/`; `trimmed` is the same without it (null when there is no trailing slash),
 * since a trailing slash is optional.
 */
export interface PathSegments {
  readonly full: readonly string[];
  readonly trimmed: readonly string[] | null;
}

/** Splits a path (as faultPath returns it); null when it does not start with `/` (`OPTIONS *`). */
export function pathSegments(path: string): PathSegments | null {
  if (path.charCodeAt(0) !== SLASH) return null;
  const full = path.slice(1).split('/');
  return { full, trimmed: full[full.length - 1] === '' ? full.slice(0, -1) : null };
}

/** One segment of a glob: literal text, `*`-patterns within the segment, or `**`. */
type SegmentMatcher = { kind: 'literal'; text: string } | { kind: 'star'; parts: readonly string[] } | { kind: 'any' };

/** Compiles a path glob; a malformed one is MC_ERR_FAULT_RULE_INVALID naming `where`. */
export function compileGlob(glob: string, where: string): CompiledGlob {
  if (glob.charCodeAt(0) !== SLASH) throw errors.faultRuleInvalid(where, `path ${JSON.stringify(glob)} must start with /`);
  const trimmed = glob.length > 1 && glob.endsWith('/') ? glob.slice(0, -1) : glob;
  const segments: SegmentMatcher[] = [];
  for (const segment of trimmed.slice(1).split('/')) {
    if (segment === '**') {
      // `/**/**/` is `/**/`: consecutive ones would only multiply the backtracking.
      if (segments[segments.length - 1]?.kind !== 'any') segments.push({ kind: 'any' });
      continue;
    }
    if (segment.includes('**')) throw errors.faultRuleInvalid(where, `path ${JSON.stringify(glob)}: ** must be a whole segment (/**/), use * within a segment`);
    segments.push(segment.includes('*') ? { kind: 'star', parts: segment.split('*') } : { kind: 'literal', text: segment });
  }
  const core = segments.some((m) => m.kind === 'any') ? (path: readonly string[]) => matchFrom(segments, 0, path, 0) : (path: readonly string[]) => path.length === segments.length && matchFrom(segments, 0, path, 0);
  const matchesSegments = (path: PathSegments | null): boolean => path !== null && (core(path.full) || (path.trimmed !== null && core(path.trimmed)));
  return { source: glob, matches: (path) => matchesSegments(pathSegments(path)), matchesSegments };
}

/** Whether glob segments from `g` on match path segments from `p` on (`**` backtracks over segments). */
function matchFrom(glob: readonly SegmentMatcher[], g: number, path: readonly string[], p: number): boolean {
  for (; g < glob.length; g++, p++) {
    const m = glob[g] as SegmentMatcher;
    if (m.kind === 'any') {
      if (g === glob.length - 1) return true;
      for (let skip = p; skip <= path.length; skip++) if (matchFrom(glob, g + 1, path, skip)) return true;
      return false;
    }
    if (p >= path.length) return false;
    const segment = path[p] as string;
    if (m.kind === 'literal' ? segment !== m.text : !starMatch(m.parts, segment)) return false;
  }
  return p === path.length;
}

/** `a*b*c` (split at `*`) against one segment: the first part leads, the last ends it, the others in order between. */
function starMatch(parts: readonly string[], segment: string): boolean {
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (segment.length < first.length + last.length || !segment.startsWith(first) || !segment.endsWith(last)) return false;
  let at = first.length;
  const end = segment.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const found = segment.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

const SLASH = 0x2f;
const ABSOLUTE_FORM = /^https?:\/\/[^/?]*/i;
const REPEATED_SLASHES = /\/{2,}/g;

/**
 * The path a rule is matched against: the request-target without its query string and, for an
 * absolute-form target (`http://host/…`), without scheme and host; repeated slashes folded, as the
 * router folds them. Not percent-decoded.
 */
export function faultPath(url: string): string {
  const query = url.indexOf('?');
  let path = query === -1 ? url : url.slice(0, query);
  if (path.charCodeAt(0) !== SLASH) {
    const origin = ABSOLUTE_FORM.exec(path);
    if (origin !== null) path = path.slice(origin[0].length) || '/';
  }
  return path.includes('//') ? path.replace(REPEATED_SLASHES, '/') : path;
}
