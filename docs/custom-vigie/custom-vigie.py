#!/usr/bin/env python3
# Wazuh integration "custom-vigie": posts each alert, verbatim, to Vigie.
#
# Wazuh's integrator daemon writes the alert as one JSON object to a file and
# runs this script with: <alert file> <api_key> <hook_url>. Install:
#   cp custom-vigie custom-vigie.py /var/ossec/integrations/
#   chown root:wazuh /var/ossec/integrations/custom-vigie*
#   chmod 750 /var/ossec/integrations/custom-vigie*
# and in /var/ossec/etc/ossec.conf:
#   <integration>
#     <name>custom-vigie</name>
#     <hook_url>https://vigie.example.org/api/v1/ingest/alerts/wazuh</hook_url>
#     <api_key>vgi_…the token of a Vigie source of kind "alerts"…</api_key>
#     <level>5</level>
#     <alert_format>json</alert_format>
#   </integration>
#
# Standard library only. The alert id is sent as Idempotency-Key, so a retry
# after a lost answer never raises the alert twice. 429/503 are retried after
# the Retry-After delay; other refusals are printed and the script exits 1.
import json
import sys
import time
import urllib.error
import urllib.request

MAX_ATTEMPTS = 5


def post(url, token, body, key):
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def main(argv):
    if len(argv) < 4:
        sys.stderr.write("usage: custom-vigie <alert file> <api key> <hook url>\n")
        return 2
    alert_file, token, url = argv[1], argv[2], argv[3]
    with open(alert_file, "rb") as f:
        body = f.read()
    try:
        key = str(json.loads(body).get("id") or "")[:255] or None
    except ValueError:
        sys.stderr.write("custom-vigie: the alert file is not JSON\n")
        return 1
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            status, text = post(url, token, body, key)
            print("custom-vigie: %s %s" % (status, text))
            return 0
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            if e.code in (429, 503) and attempt < MAX_ATTEMPTS:
                time.sleep(min(60, int(e.headers.get("Retry-After") or "5")))
                continue
            sys.stderr.write("custom-vigie: refused %s %s\n" % (e.code, detail))
            return 1
        except (urllib.error.URLError, OSError) as e:
            if attempt < MAX_ATTEMPTS:
                time.sleep(2 * attempt)
                continue
            sys.stderr.write("custom-vigie: %s\n" % e)
            return 1
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
