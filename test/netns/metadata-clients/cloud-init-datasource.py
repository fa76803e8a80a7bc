"""Runs cloud-init's REAL datasource code against the metadata service and prints what it found.

Usage (Debian's /usr/bin/python3, PYTHONPATH=<unpacked cloud-init>/usr/lib/python3/dist-packages):
    cloud-init-datasource.py openstack|ec2|ec2-aws WORKDIR

Prints one JSON object on stdout:
    {"ok": bool, "datasource": str, "cloudName": str, "instanceId": str, "hostname": str,
     "localHostname": str, "publicKeys": [str], "userDataB64": str|null, "metadataAddress": str}
cloud-init's own log goes to stderr (DEBUG), so a failing test shows every request it made.

Only the *platform identity* checks are bypassed; everything that talks HTTP is cloud-init's own:
- OpenStack: `detect_openstack()` reads SMBIOS (`product_name == "OpenStack Nova"`). This host has no
  DMI at all (a Firecracker microVM), and in 22.4.2 there is no config override (the
  `datasource_list: [OpenStack]` override only arrived in 23.2), so it would return False before any
  HTTP. In a minicloud guest the same check passes because the launcher sets that SMBIOS product.
- Ec2: `identify_platform()` reads the SMBIOS uuid/serial to decide between AWS (IMDSv2 token
  mandatory) and an unknown EC2-compatible cloud (IMDSv1, no token). We pin it to the platform the
  test wants to exercise: `ec2` -> unknown (what a non-AWS guest does), `ec2-aws` -> AWS.
"""

import base64
import json
import logging
import os
import sys


def main() -> int:
    mode, workdir = sys.argv[1], sys.argv[2]
    from cloudinit import distros, helpers
    from cloudinit.sources import DataSourceEc2, DataSourceOpenStack

    # Importing cloudinit.log resets the root logger to a NullHandler, so configure it afterwards.
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        force=True,
    )

    paths = helpers.Paths(
        {
            "cloud_dir": os.path.join(workdir, "var-lib-cloud"),
            "run_dir": os.path.join(workdir, "run-cloud-init"),
            "templates_dir": os.path.join(workdir, "templates"),
        }
    )
    distro = distros.fetch("debian")("debian", {}, paths)

    if mode == "openstack":
        DataSourceOpenStack.detect_openstack = lambda accept_oracle=False: True
        sys_cfg = {
            "datasource_list": ["OpenStack"],
            # Defaults of 22.4.2 except a shorter per-request timeout, so a stalled server fails fast.
            "datasource": {"OpenStack": {"timeout": 5}},
        }
        ds = DataSourceOpenStack.DataSourceOpenStack(sys_cfg, distro, paths)
    elif mode in ("ec2", "ec2-aws"):
        cloud = (
            DataSourceEc2.CloudNames.AWS
            if mode == "ec2-aws"
            else DataSourceEc2.CloudNames.UNKNOWN
        )
        DataSourceEc2.identify_platform = lambda: cloud
        sys_cfg = {
            "datasource_list": ["Ec2"],
            "datasource": {
                "Ec2": {
                    # The default list adds [fd00:ec2::254] and instance-data.:8773; neither
                    # exists in the test namespace, and name resolution there depends on the
                    # host's resolv.conf. Pin the one address the test serves.
                    "metadata_urls": ["http://169.254.169.254"],
                    "strict_id": "false",
                    # 120 s by default: enough to spin on 401s for two minutes. Fail fast instead.
                    "max_wait": 20,
                    "timeout": 5,
                }
            },
        }
        ds = DataSourceEc2.DataSourceEc2(sys_cfg, distro, paths)
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2

    ok = bool(ds.get_data())
    result = {"ok": ok, "datasource": str(ds), "cloudName": ds.cloud_name}
    if ok:
        user_data = ds.get_userdata_raw()
        if isinstance(user_data, str):
            user_data = user_data.encode("utf-8")
        result.update(
            {
                "instanceId": ds.get_instance_id(),
                "hostname": ds.get_hostname().hostname,
                "localHostname": ds.metadata.get("local-hostname"),
                "publicKeys": ds.get_public_ssh_keys(),
                "userDataB64": (
                    base64.b64encode(user_data).decode("ascii")
                    if user_data
                    else None
                ),
                "metadataAddress": ds.metadata_address,
            }
        )
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
