import { errors } from '../errors/catalogue.js';

/**
 * The path language of fault rules (docs/faults.md): a glob over the request path, compiled once per
 * rule. `*` is any text within one segment (never a `/`), `**` (a whole segment) is any number of
 * segments, none included; everything else is literal and case-sensitive. A trailing slash is
 * optional on both sides, as the metadata routes treat it: `/latest/meta-data/**` matches
 * `/latest/meta-data`, `/latest/meta-data/` and everything below.
 */
export interface CompiledGlob {
  /** The path as written in the rule. */
  readonly source: string;
  /** Whether a path (as faultPath returns it) matches. */
  matches(path: string): boolean;
}

/** Compiles a path glob; a malformed one is MC_ERR_FAULT_RULE_INVALID naming `where`. */
export function compileGlob(glob: string, where: string): CompiledGlob {
  if (glob.charCodeAt(0) !== SLASH) throw errors.faultRuleInvalid(where, `path ${JSON.stringify(glob)} must start with /`);
  const trimmed = glob.length > 1 && glob.endsWith('/') ? glob.slice(0, -1) : glob;
  let pattern = '^';
  for (const segment of trimmed.slice(1).split('/')) {
    if (segment === '**') {
      pattern += '(?:/[^/]*)*';
      continue;
    }
    if (segment.includes('**')) throw errors.faultRuleInvalid(where, `path ${JSON.stringify(glob)}: ** must be a whole segment (/**/), use * within a segment`);
    pattern += `/${segment.split('*').map(escapeRegExp).join('[^/]*')}`;
  }
  const regex = new RegExp(`${pattern}/?$`);
  // The literal text every match starts with: a cheap test before the regex (1,000 rules: docs/faults.md).
  const star = trimmed.indexOf('*');
  let prefix = star === -1 ? trimmed : trimmed.slice(0, star);
  if (star !== -1 && trimmed.startsWith('**', star) && prefix.endsWith('/')) prefix = prefix.slice(0, -1);
  return { source: glob, matches: (path) => path.startsWith(prefix) && regex.test(path) };
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

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
