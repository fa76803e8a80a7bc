/**
 * EC2 metadata API versions minicloud answers. The dated ones are Nova's VERSIONS (1.0 … 2009-04-04) plus
 * the three cloud-init probes first (DataSourceEc2 `extended_metadata_versions`); `latest` is the newest.
 * Any other first segment is an unknown version and gets 404, as in Nova (`/9999-99-99` → 404).
 */
export const EC2_DATED_VERSIONS = [
  '1.0',
  '2007-01-19',
  '2007-03-01',
  '2007-08-29',
  '2007-10-10',
  '2007-12-15',
  '2008-02-01',
  '2008-09-01',
  '2009-04-04',
  '2016-09-02',
  '2018-09-24',
  '2021-03-23',
] as const;

export type Ec2Version = (typeof EC2_DATED_VERSIONS)[number] | 'latest';

export const EC2_VERSIONS: readonly Ec2Version[] = [...EC2_DATED_VERSIONS, 'latest'];

const known = new Set<string>(EC2_VERSIONS);

export function isEc2Version(segment: string): segment is Ec2Version {
  return known.has(segment);
}

/**
 * Whether `version` includes what was introduced in `since`. `1.0` sorts before every date and `latest`
 * after; dates compare as strings (ISO order).
 */
export function ec2VersionIncludes(version: Ec2Version, since: string): boolean {
  if (version === 'latest') return true;
  if (version === '1.0') return since === '1.0';
  return since === '1.0' || version >= since;
}
