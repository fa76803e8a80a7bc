/**
 * Reads vm-images' `manifest.txt` (`key: value` lines, written by `make images`). Pure.
 * Keys used here: `cmdline` (kernel command line for direct kernel boot), `ssh-user`.
 */
export function parseImageManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-z0-9-]*):\s*(.*)$/.exec(line.trim());
    if (m && m[1] && out[m[1]] === undefined) out[m[1]] = (m[2] ?? '').trim();
  }
  return out;
}

/** The login user of well-known images when the manifest does not say. */
export function defaultSshUser(imageName: string): string {
  if (/cirros/i.test(imageName)) return 'cirros';
  if (/debian/i.test(imageName)) return 'debian';
  if (/ubuntu/i.test(imageName)) return 'ubuntu';
  return 'root';
}

const QCOW2_MAGIC = [0x51, 0x46, 0x49, 0xfb];

export function diskFormat(head: Uint8Array): 'qcow2' | 'raw' {
  return QCOW2_MAGIC.every((b, i) => head[i] === b) ? 'qcow2' : 'raw';
}
