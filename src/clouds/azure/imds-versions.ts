/**
 * The api-versions Azure IMDS accepts (Azure's documented list, oldest first). Any other is a 400,
 * which is what cloud-init's fallback keys on: both 22.4.2 and 25.3 ask `2021-08-01&extended=true` first
 * and, on a 400, `2019-06-01`.
 */
export const IMDS_API_VERSIONS: readonly string[] = [
  '2017-03-01', '2017-04-02', '2017-08-01', '2017-10-01', '2017-12-01', '2018-02-01', '2018-04-02', '2018-10-01',
  '2019-02-01', '2019-03-11', '2019-04-30', '2019-06-01', '2019-06-04', '2019-08-01', '2019-08-15', '2019-11-01',
  '2020-06-01', '2020-07-15', '2020-09-01', '2020-10-01', '2020-12-01', '2021-01-01', '2021-02-01', '2021-03-01',
  '2021-05-01', '2021-08-01', '2021-10-01', '2021-11-01', '2021-11-15', '2021-12-13', '2023-07-01', '2023-11-15',
];

/** What a 400 for a missing or unknown version lists, as Azure does: the three newest. */
export const NEWEST_API_VERSIONS: readonly string[] = IMDS_API_VERSIONS.slice(-3).reverse();

/** The versions of `/metadata/scheduledevents`, which Azure versions apart from the rest. */
const SCHEDULED_EVENTS_VERSIONS: readonly string[] = ['2017-03-01', '2017-08-01', '2017-11-01', '2019-01-01', '2019-08-01', '2020-07-01'];

const KNOWN = new Set(IMDS_API_VERSIONS);
const KNOWN_SCHEDULED = new Set(SCHEDULED_EVENTS_VERSIONS);

/** Whether the endpoint (`scheduledevents` or any other) serves `version`. */
export function isImdsApiVersion(version: string, endpoint: string): boolean {
  return endpoint === 'scheduledevents' ? KNOWN_SCHEDULED.has(version) : KNOWN.has(version);
}

/** The first version whose documents carry `extended` (cloud-init: IMDS_EXTENDED_VER_MIN). */
export const EXTENDED_SINCE = '2021-03-01';
