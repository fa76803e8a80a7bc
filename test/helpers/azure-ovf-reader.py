"""Reads Azure provisioning media with cloud-init's REAL DataSourceAzure.load_azure_ds_dir and prints it.

Usage (Debian's /usr/bin/python3, PYTHONPATH=<cloud-init's python tree>):
    azure-ovf-reader.py DIR

DIR is the media's root (the ISO's files, extracted): what cloud-init passes to load_azure_ds_dir after
mounting /dev/sr0. load_azure_ds_dir reads DIR/ovf-env.xml and parses it with read_azure_ovf (OvfEnvXml)
of the cloud-init on PYTHONPATH, 22.4.2 and 25.3 alike. Prints one JSON object as its last stdout line:
    {"localHostname", "defaultUser", "pubkeys", "sshPwauth", "userDataB64", "preprovisionedVm",
     "provisionGuestProxyAgent", "files"}
cloud-init's own log goes to stderr (DEBUG).
"""

import base64
import json
import logging
import sys


def main() -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)
    from cloudinit.sources import DataSourceAzure as dsaz

    md, ud, cfg, files = dsaz.load_azure_ds_dir(sys.argv[1])
    raw = ud if isinstance(ud, bytes) else ud.encode()
    print(
        json.dumps(
            {
                "localHostname": md.get("local-hostname"),
                "defaultUser": cfg.get("system_info", {}).get("default_user"),
                "pubkeys": cfg.get("_pubkeys"),
                "sshPwauth": cfg.get("ssh_pwauth"),
                "userDataB64": base64.b64encode(raw).decode(),
                "preprovisionedVm": cfg.get("PreprovisionedVm"),
                "provisionGuestProxyAgent": cfg.get("ProvisionGuestProxyAgent"),
                "files": sorted(files),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
