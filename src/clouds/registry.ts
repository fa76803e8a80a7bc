import { errors } from '../errors/catalogue.js';
import type { CloudMetadata } from '../metadata/metadata-api.js';
import type { CloudFlavour, CloudNetworkNeeds } from './cloud-flavour.js';
import { configdrive } from './configdrive/index.js';
import { ec2 } from './ec2/index.js';
import { exoscale } from './exoscale/index.js';
import { gce } from './gce/index.js';
import { hetzner } from './hetzner/index.js';
import { nocloud } from './nocloud/index.js';
import { openstack } from './openstack/index.js';
import { oracle } from './oracle/index.js';
import { upcloud } from './upcloud/index.js';
import { vultr } from './vultr/index.js';

/** Every cloud minicloud plays, one line each. The first is the default datasource. */
export const CLOUDS: readonly CloudFlavour[] = [ec2, openstack, nocloud, configdrive, gce, exoscale, hetzner, oracle, vultr, upcloud];

/** The valid `--datasource` values, in registry order. */
export const CLOUD_NAMES: readonly string[] = CLOUDS.map((c) => c.name);

/** What the metadata server serves: each cloud with its APIs. */
export const CLOUD_METADATA: readonly CloudMetadata[] = CLOUDS.map((c) => ({ cloud: c.name, apis: c.metadata }));

/** What the network plane carries for every cloud at once (so the bridge never changes with its guests). */
export const CLOUD_NETWORK_NEEDS: CloudNetworkNeeds = {
  metadataPorts: [...new Set(CLOUDS.flatMap((c) => c.network.metadataPorts))].sort((a, b) => a - b),
  metadataNames: [...new Set(CLOUDS.flatMap((c) => c.network.metadataNames))].sort(),
};

const BY_NAME = new Map(CLOUDS.map((c) => [c.name, c]));

/** The cloud a datasource name stands for; MC_ERR_USAGE listing the valid ones otherwise. */
export function cloudNamed(name: string): CloudFlavour {
  const cloud = BY_NAME.get(name);
  if (cloud === undefined) throw errors.unknownDatasource(name, CLOUD_NAMES.join(', '));
  return cloud;
}
