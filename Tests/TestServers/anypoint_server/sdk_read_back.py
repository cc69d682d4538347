#!/usr/bin/env python3
"""Reads the policies of some API instances with anypoint-sdk (PyPI, third party) and prints them as one JSON
line, so a test that wrote them another way (Clientele's Swift adapter) can have an independent client read
back what it wrote. The server must be serving the policy list in anypoint-sdk's envelope shape.

    sdk_read_back.py BASE_URL CLIENT_ID SECRET_FILE ORG_ID ENV_ID API_ID...
"""

import json
import sys
from pathlib import Path

from anypoint_sdk import AnypointClient


def main(argv):
    base_url, client_id, secret_file, org_id, env_id, *api_ids = argv
    client = AnypointClient.from_client_credentials(client_id, Path(secret_file).read_text(), base_url=base_url,
                                                    timeout=10)
    try:
        read = {}
        for api_id in api_ids:
            read[api_id] = [{"policyId": p["policyId"], "assetId": p["template"]["assetId"],
                             "assetVersion": p["template"]["assetVersion"], "order": p["order"],
                             "configuration": p["configuration"]}
                            for p in client.policies.list_api_policies(org_id, env_id, int(api_id))]
    finally:
        client.close()
    print(json.dumps(read))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
