/** Whether cloud-init `version` has a datasource first released in `since` (dotted numbers: 22.4.2 vs 23.3). */
export function releaseHas(version: string, since: string): boolean {
  const [a, b] = [version, since].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(a?.length ?? 0, b?.length ?? 0); i += 1) {
    const d = (a?.[i] ?? 0) - (b?.[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * The upstream cloud-init release a vm-images manifest lists (`cloud-init=22.4.2-1+deb12u4` → `22.4.2`,
 * the packages `make images` installed); null when it lists none.
 */
export function manifestCloudInitVersion(manifest: string): string | null {
  return /^cloud-init=(\d+(?:\.\d+)*)/m.exec(manifest)?.[1] ?? null;
}
