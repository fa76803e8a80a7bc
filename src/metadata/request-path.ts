/**
 * Splits the part of a metadata URL after a plugin's prefix into segments. Duplicate and trailing slashes
 * are tolerated (empty segments dropped): real clients send `//latest/meta-data/` and `/latest//meta-data/`.
 * Returns null when a segment is `.` or `..` (literal, or percent-encoded and decoded by the router):
 * the metadata trees have no parent links, so such a path names nothing and is answered 404.
 */
export function splitMetadataPath(rest: string): string[] | null {
  const segments: string[] = [];
  for (const segment of rest.split('/')) {
    if (segment === '') continue;
    if (segment === '.' || segment === '..') return null;
    segments.push(segment);
  }
  return segments;
}

/** The request path without its query string, truncated for logs and error messages. */
export function displayPath(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
