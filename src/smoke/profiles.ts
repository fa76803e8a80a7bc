import { basename } from 'node:path';
import { errors } from '../errors/catalogue.js';

/**
 * A smoke profile: what a family of images prints on its console and how to prove user-data ran.
 * Markers come from the images themselves: cirros 0.5/0.6 (its own init prints them; docs/ci.md "Profiles"),
 * minicirros (vm-images/README.md, "Console markers"), cloud-init (any cloud-init image).
 */
export type ProfileName = 'cirros' | 'minicirros' | 'cloud-init';
const PROFILE_NAMES: readonly ProfileName[] = ['cirros', 'minicirros', 'cloud-init'];

export interface SmokeProfile {
  name: ProfileName;
  /** How the generated user-data is written: a `#!` script (cirros runs only those) or #cloud-config. */
  userData: 'shell' | 'cloud-config';
  /** Run `cloud-init status --wait` over ssh. */
  cloudInitStatus: boolean;
  markers: {
    /** The guest finished its boot sequence: after this, a stage not yet reached will not come. */
    bootFinished: RegExp;
    /** The guest gave up on DHCP. */
    dhcpFailed: RegExp | null;
    /** The guest gave up on the metadata service, or found no datasource at all. */
    metadataGaveUp: RegExp | null;
    /** The user-data runner printed the script's exit status (group 1). */
    userDataExit: RegExp | null;
  };
}

const LOGIN = /^\S+ login:/m;

const CIRROS_MARKERS: SmokeProfile['markers'] = {
  bootFinished: LOGIN,
  dhcpFailed: /Starting network: FAIL/,
  metadataGaveUp: /failed to read iid from metadata|=== datasource: None None ===/,
  userDataExit: null,
};

export const PROFILES: Record<ProfileName, SmokeProfile> = {
  cirros: { name: 'cirros', userData: 'shell', cloudInitStatus: false, markers: CIRROS_MARKERS },
  // minicirros prints cirros's strings, plus the exit status of the user-data script.
  minicirros: { name: 'minicirros', userData: 'shell', cloudInitStatus: false, markers: { ...CIRROS_MARKERS, userDataExit: /minicirros: user-data exited (\d+)/ } },
  'cloud-init': {
    name: 'cloud-init',
    userData: 'cloud-config',
    cloudInitStatus: true,
    markers: {
      bootFinished: LOGIN,
      dhcpFailed: null,
      metadataGaveUp: null,
      userDataExit: null,
    },
  },
};

/** `--profile` (forced), else chosen from the image name: *minicirros*, *cirros*, anything else is cloud-init. */
/** `--profile NAME`; throws MC_ERR_SMOKE_PROFILE listing the profiles. */
export function parseProfileName(value: string): ProfileName {
  const named = PROFILE_NAMES.find((p) => p === value);
  if (!named) throw errors.smokeBadProfile(value, PROFILE_NAMES.join(', '));
  return named;
}

export function chooseProfile(image: string, forced: ProfileName | undefined): { profile: SmokeProfile; reason: string } {
  if (forced !== undefined) return { profile: PROFILES[forced], reason: 'forced with --profile' };
  const name = basename(image).toLowerCase();
  if (name.includes('minicirros')) return { profile: PROFILES.minicirros, reason: `image name ${basename(image)} contains "minicirros"` };
  if (name.includes('cirros')) return { profile: PROFILES.cirros, reason: `image name ${basename(image)} contains "cirros"` };
  return { profile: PROFILES['cloud-init'], reason: 'not a cirros image: assumed to run cloud-init (use --profile to change)' };
}
