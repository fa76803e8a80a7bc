"""Runs cloud-init's REAL DataSource<Name> against the metadata service and prints what it found.

Usage (Debian's /usr/bin/python3, PYTHONPATH=<cloud-init's python tree>):
    cloud-init-datasource.py --datasource NAME --dmi DIR --workdir DIR [--class CLASS] [--cfg JSON]
                             [--lease-address IP] [--networkd-leases DIR] [--lease-routes JSON]

NAME is the module suffix (Ec2, OpenStack, GCE, Hetzner, Oracle, UpCloud, Vultr, Exoscale, …); CLASS
is the class to run (default DataSource<NAME>: the network-stage class, never the *Local one).

Prints one JSON object as its last stdout line:
    {"ok", "dsname", "cloudName", "platform", "subplatform", "instanceId", "hostname",
     "localHostname", "publicKeys", "userDataB64", "vendorDataB64", "networkConfig", "metadata",
     "configObj"}
cloud-init's own log goes to stderr (DEBUG), so a failing test shows every request it made.

What is real and what is not:
- The platform checks are cloud-init's own: DMI is read from DIR, a tree the test builds from
  minicloud's SMBIOS builder (test/helpers/guest-dmi.ts: what a minicloud guest's
  /sys/class/dmi/id holds). cloud-init skips DMI inside containers, so its container check is
  answered "no" (the test namespace is not a container, but this host may be).
- datasource_list is [NAME, None], so 25.x's ds_detect() is not bypassed (it is when the list has
  exactly one entry).
- Ephemeral networking (EphemeralDHCPv4, EphemeralIPNetwork, …) becomes a no-op: the test namespace
  already reaches 169.254.169.254, and cloud-init's DHCP client is not what is under test. Every
  HTTP request is cloud-init's own. The stand-in lease carries the routes given with --lease-routes.
- Block devices: the datasources' searches for disks (blkid; Azure's provisioning CD) find none,
  so a test never mounts this host's disks.
"""

import argparse
import base64
import contextlib
import importlib
import json
import logging
import os
import sys
import types


class NoEphemeralNetwork(contextlib.AbstractContextManager):
    """Stands in for cloud-init's ephemeral network context managers: already on the network."""

    # The address the test namespace reaches the metadata service from: what the lease's fixed-address
    # would be (Scaleway 25.x matches it against the metadata's public_ips). Set from --lease-address.
    fixed_address = None
    # The lease's option-121 routes, [[destination/prefix, gateway], ...], as the cloud's DHCP gives
    # them. Azure 25.x reads them from the ephemeral context (`_ephipv4.static_routes`) to decide whether
    # the NIC is the primary one. Set from --lease-routes.
    static_routes = []

    def __init__(self, *args, **kwargs):
        self.state_msg = "minicloud test: already on the network"
        self.lease = {"interface": kwargs.get("iface") or kwargs.get("interface") or "lo"}
        if NoEphemeralNetwork.fixed_address:
            self.lease["fixed-address"] = NoEphemeralNetwork.fixed_address
        routes = [tuple(r) for r in NoEphemeralNetwork.static_routes]
        self._ephipv4 = types.SimpleNamespace(
            static_routes=routes, router=routes[-1][1] if routes else None
        )

    def __enter__(self):
        return self.lease

    def __exit__(self, *exc):
        return False

    def obtain_lease(self):
        return self.lease

    def clean_network(self):
        pass


def as_b64(data):
    # Empty in any form is "none": Vultr sends an empty list for no user-data, which cloud-init keeps.
    if not data:
        return None
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def jsonable(value):
    return json.loads(json.dumps(value, default=str))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasource", required=True)
    parser.add_argument("--class", dest="cls")
    parser.add_argument("--dmi", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--cfg", default="{}")
    parser.add_argument("--lease-address")
    parser.add_argument("--networkd-leases")
    parser.add_argument("--lease-routes", default="[]")
    args = parser.parse_args()
    NoEphemeralNetwork.fixed_address = args.lease_address
    NoEphemeralNetwork.static_routes = json.loads(args.lease_routes)

    from cloudinit import distros, dmi, helpers, util

    # Importing cloudinit.log resets the root logger to a NullHandler, so configure it afterwards.
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        force=True,
    )

    dmi.DMI_SYS_PATH = args.dmi
    dmi.is_container = lambda: False
    if args.networkd_leases:
        # What the guest's /run/systemd/netif/leases holds (CloudStack reads SERVER_ADDRESS there), in
        # place of this host's own.
        from cloudinit.net import dhcp

        dhcp.NETWORKD_LEASES_DIR = args.networkd_leases

    module = importlib.import_module(f"cloudinit.sources.DataSource{args.datasource}")
    for name in dir(module):
        if name.startswith("Ephemeral"):
            setattr(module, name, NoEphemeralNetwork)
    # The guest's block devices are not this host's, and a test never mounts the host's disks: the
    # datasources' device searches (blkid for iso9660/udf, Azure's provisioning CD /dev/sr0) find
    # none, as in a guest with no CD attached. Azure's CD becomes a /dev path that does not exist, so
    # mounting it fails as /dev/sr0's does in such a guest (a path outside /dev is read as a directory).
    util.find_devs_with = lambda *a, **k: []
    if hasattr(module, "DEFAULT_PROVISIONING_ISO_DEV"):
        module.DEFAULT_PROVISIONING_ISO_DEV = "/dev/minicloud-test-no-such-cd"

    paths = helpers.Paths(
        {
            "cloud_dir": os.path.join(args.workdir, "var-lib-cloud"),
            "run_dir": os.path.join(args.workdir, "run-cloud-init"),
            "templates_dir": os.path.join(args.workdir, "templates"),
        }
    )
    distro = distros.fetch("debian")("debian", {}, paths)
    sys_cfg = {
        "datasource_list": [args.datasource, "None"],
        "datasource": {args.datasource: json.loads(args.cfg)},
    }
    cls = getattr(module, args.cls or f"DataSource{args.datasource}")
    ds = cls(sys_cfg, distro, paths)

    ok = bool(ds.get_data())
    result = {
        "ok": ok,
        "dsname": ds.dsname,
        "cloudName": ds.cloud_name,
        "platform": ds.platform_type,
    }
    if ok:
        network_config = None
        try:
            network_config = ds.network_config
        except Exception as err:  # reported, not hidden: the test asserts on it
            network_config = {"error": repr(err)}
        host = ds.get_hostname()
        result.update(
            {
                "subplatform": ds.subplatform,
                "instanceId": ds.get_instance_id(),
                "hostname": getattr(host, "hostname", host),
                "localHostname": ds.metadata.get("local-hostname")
                if isinstance(ds.metadata, dict)
                else None,
                "publicKeys": ds.get_public_ssh_keys(),
                "userDataB64": as_b64(ds.get_userdata_raw()),
                "vendorDataB64": as_b64(ds.get_vendordata_raw()),
                "networkConfig": jsonable(network_config),
                "metadata": jsonable(ds.metadata),
                # What the datasource adds to cloud-init's config (Exoscale: the password it was given).
                "configObj": jsonable(ds.get_config_obj()),
            }
        )
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
