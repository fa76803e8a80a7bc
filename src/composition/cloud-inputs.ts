import { dirname, resolve } from 'node:path';
import { chooseSubnet } from '../adapters/network/choose-subnet.js';
import { validateNetworkConfig } from '../adapters/network/network-input.js';
import { declaredLaunches } from '../config/declared-instances.js';
import { checkFaultSpecs } from '../config/load-faults-file.js';
import { cloudLayout, cloudSettings, imagesDir, loadMinicloudConfig, minicloudHome, type CloudLayout, type CloudSettings, type Env, type MinicloudConfig, type UpFlags } from '../config/minicloud-config.js';
import { makeImageResolver } from '../controller/image-resolver.js';
import type { LaunchInput } from '../core/launch.js';

/** What `up` reads before it creates anything: the cloud's files, minicloud.yaml, and the settings flags make of it. */
export interface CloudInputs {
  layout: CloudLayout;
  config: MinicloudConfig;
  /** minicloud.yaml's directory: relative paths in it start here. */
  configDir: string;
  settings: CloudSettings;
  resolveImage: ReturnType<typeof makeImageResolver>;
}

/**
 * Reads and checks everything `up` takes from the user, creating nothing: the flags over minicloud.yaml
 * (its schema, sizes and durations), the network settings as the network plane will check them (cloud
 * id, bridge name, a forced subnet must be an IPv4 /24, the metadata port), the files and images the
 * config's `instances:` name, and its `faults:` rules. `up --netns` calls it before it creates the namespace and `startCloud`
 * again inside it, so a bad flag or config fails before anything exists. Throws coded usage errors.
 * What depends on the host (a subnet already routed, a port in use) is checked later, by the plane.
 */
export function readCloudInputs(opts: { env: Env; configPath?: string; flags?: UpFlags }): CloudInputs {
  const layout = cloudLayout(minicloudHome(opts.env));
  const configPath = opts.configPath ?? layout.configPath;
  const config = loadMinicloudConfig(configPath, { optional: opts.configPath === undefined });
  const configDir = dirname(resolve(configPath));
  const settings = cloudSettings(config, opts.flags ?? {}, opts.env, layout.home);
  const { subnet, gateway } = chooseSubnet([], { ownBridge: settings.bridge, ...(settings.subnet !== undefined ? { forced: settings.subnet } : {}) });
  validateNetworkConfig({
    cloudId: settings.cloudId, bridge: settings.bridge, subnet, gateway,
    metadataPort: settings.metadataPort, egress: settings.egress, domain: 'minicloud', stateDir: layout.networkDir,
  });
  const resolveImage = makeImageResolver({ imagesDir: imagesDir(opts.env), configured: config.images ?? {}, cwd: configDir });
  const inputs = { layout, config, configDir, settings, resolveImage };
  // Every declared instance as if none existed yet: its files are read and its image resolved.
  declaredLaunchesChecked(inputs, new Set());
  checkFaultSpecs(config.faults ?? [], (i) => `${configPath}: faults[${i}]`);
  return inputs;
}

/** minicloud.yaml `instances:` that do not exist yet, their files read and images resolved (throws before anything starts). */
export function declaredLaunchesChecked(inputs: CloudInputs, existingNames: ReadonlySet<string>): LaunchInput[] {
  const declared = declaredLaunches(inputs.config.instances ?? [], existingNames, inputs.configDir);
  for (const launch of declared) inputs.resolveImage(launch.image);
  return declared;
}
