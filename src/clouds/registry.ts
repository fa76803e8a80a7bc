import { errors } from '../errors/catalogue.js';
import type { CloudMetadata } from '../metadata/metadata-api.js';
import { azure } from './azure/index.js';
import type { NetworkDhcpProfile } from '../ports/network.js';
import type { CloudFlavour, CloudNetworkNeeds, MetadataEndpoint } from './cloud-flavour.js';
import { akamai } from './akamai/index.js';
import { cloudstack } from './cloudstack/index.js';
import { configdrive } from './configdrive/index.js';
import { digitalocean } from './digitalocean/index.js';
import { ec2 } from './ec2/index.js';
import { exoscale } from './exoscale/index.js';
import { gce } from './gce/index.js';
import { hetzner } from './hetzner/index.js';
import { nocloud } from './nocloud/index.js';
import { openstack } from './openstack/index.js';
import { oracle } from './oracle/index.js';
import { scaleway } from './scaleway/index.js';
import { upcloud } from './upcloud/index.js';
import { vultr } from './vultr/index.js';

/** Every cloud minicloud plays, one line each. The first is the default datasource. */
export const CLOUDS: readonly CloudFlavour[] = [ec2, openstack, nocloud, configdrive, gce, exoscale, hetzner, oracle, vultr, upcloud, scaleway, akamai, cloudstack, azure, digitalocean];

/** The valid `--datasource` values, in registry order. */
export const CLOUD_NAMES: readonly string[] = CLOUDS.map((c) => c.name);

/** What the metadata server serves: each cloud with its APIs. */
export const CLOUD_METADATA: readonly CloudMetadata[] = CLOUDS.map((c) => ({ cloud: c.name, apis: c.metadata }));

/** What the bridge carries for every cloud at once (so it never changes with its guests). DHCP is per cloud: CLOUD_DHCP_PROFILES. */
export const CLOUD_NETWORK_NEEDS: Omit<CloudNetworkNeeds, 'dhcpRoutes' | 'dhcpOptions'> = {
  metadataPorts: [...new Set(CLOUDS.flatMap((c) => c.network.metadataPorts))].sort((a, b) => a - b),
  metadataNames: [...new Set(CLOUDS.flatMap((c) => c.network.metadataNames))].sort(),
  extraEndpoints: mergeEndpoints(CLOUDS.flatMap((c) => c.network.extraEndpoints)),
  gatewayPorts: [...new Set(CLOUDS.flatMap((c) => c.network.gatewayPorts))].sort((a, b) => a - b),
  gatewayNames: [...new Set(CLOUDS.flatMap((c) => c.network.gatewayNames))].sort(),
  endpoints6: mergeEndpoints(CLOUDS.flatMap((c) => c.network.endpoints6)),
};

/** Each cloud's DHCP (NetworkConfig.dhcpProfiles): a guest's lease carries its own cloud's routes and options only. */
export const CLOUD_DHCP_PROFILES: readonly NetworkDhcpProfile[] = CLOUDS.map((c) => ({ cloud: c.name, routes: c.network.dhcpRoutes, options: c.network.dhcpOptions }));

/** One entry per address with the union of its ports, sorted, so the plane's rules are stable. */
function mergeEndpoints(endpoints: readonly MetadataEndpoint[]): MetadataEndpoint[] {
  const ports = new Map<string, Set<number>>();
  for (const e of endpoints) for (const p of e.ports) (ports.get(e.address) ?? ports.set(e.address, new Set()).get(e.address))?.add(p);
  return [...ports.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([address, set]) => ({ address, ports: [...set].sort((a, b) => a - b) }));
}

const BY_NAME = new Map(CLOUDS.map((c) => [c.name, c]));

/** The cloud a datasource name stands for; MC_ERR_USAGE listing the valid ones otherwise. */
export function cloudNamed(name: string): CloudFlavour {
  const cloud = BY_NAME.get(name);
  if (cloud === undefined) throw errors.unknownDatasource(name, CLOUD_NAMES.join(', '));
  return cloud;
}
