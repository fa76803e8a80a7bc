/**
 * Nova's OPENSTACK_VERSIONS (nova/api/metadata/base.py), oldest first, with the names Nova's code gates on.
 * `latest` means the newest. `/openstack` lists only versions dated on or before today (UTC), like Nova;
 * a future version can still be requested by name.
 */
export const OPENSTACK_VERSION_DATES = {
  FOLSOM: '2012-08-10',
  GRIZZLY: '2013-04-04',
  HAVANA: '2013-10-17',
  LIBERTY: '2015-10-15',
  NEWTON_ONE: '2016-06-30',
  NEWTON_TWO: '2016-10-06',
  OCATA: '2017-02-22',
  ROCKY: '2018-08-27',
  VICTORIA: '2020-10-14',
  EPOXY: '2025-04-04',
} as const;

export const OPENSTACK_DATED_VERSIONS: readonly string[] = Object.values(OPENSTACK_VERSION_DATES);
const NEWEST = OPENSTACK_DATED_VERSIONS[OPENSTACK_DATED_VERSIONS.length - 1] ?? 'latest';

/** The date a version segment stands for, or null when it is not a version Nova knows. */
export function openstackVersionDate(segment: string): string | null {
  if (segment === 'latest') return NEWEST;
  return OPENSTACK_DATED_VERSIONS.includes(segment) ? segment : null;
}

/** The `/openstack` listing on the given UTC day (`YYYY-MM-DD`): released versions, then `latest`. */
export function openstackVersionListing(todayUtc: string): string {
  return [...OPENSTACK_DATED_VERSIONS.filter((v) => v <= todayUtc), 'latest'].join('\n');
}
