#!/usr/bin/env bash
# Starts moto's S3 server (from PyPI: someone else's S3, which checks our SigV4 signatures)
# on 127.0.0.1, with authentication on, and makes a user, its keys and a bucket for the tests.
# Prints `URL ACCESS_KEY SECRET_KEY BUCKET` on one line. Idempotent: a server already up is
# reused.
set -euo pipefail
# Only the answer goes to stdout (callers capture it); everything else to stderr.
exec 3>&1 1>&2
port=${FUQARO_MOTO_PORT:-5310}
url=http://127.0.0.1:$port
state=${TMPDIR:-/tmp}/fuqaro-moto-$port
mkdir -p "$state"

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  echo "installing moto[server] (pip)…" >&2
  python3 -m pip install -q 'moto[server]==5.2.5'
fi

up() { curl -s -o /dev/null "$url/moto-api/" ; }
if ! up || [ ! -s "$state/credentials" ]; then
  pkill -f "moto.server -H 127.0.0.1 -p $port" 2>/dev/null || true
  rm -f "$state/credentials"
  # The first three requests (the user, its policy, its keys) are let through unsigned; every
  # request after them must be signed by a known key, or moto refuses it.
  # The server must not inherit fd 3 (the caller's captured stdout): `s3=$(scripts/moto.sh)`
  # would wait for it to close, that is, for as long as the server runs.
  INITIAL_NO_AUTH_ACTION_COUNT=3 setsid nohup python3 -m moto.server -H 127.0.0.1 -p "$port" \
    >"$state/log" 2>&1 </dev/null 3>&- &
  for _ in $(seq 1 100); do up && break; sleep 0.2; done
  up || { cat "$state/log" >&2; echo "moto did not start" >&2; exit 1; }
  python3 - "$url" "$state/credentials" <<'PY'
import json, sys, boto3
url, out = sys.argv[1], sys.argv[2]
anonymous = dict(endpoint_url=url, region_name="us-east-1",
                 aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **anonymous)
iam.create_user(UserName="fuqaro")
iam.put_user_policy(UserName="fuqaro", PolicyName="s3", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="fuqaro")["AccessKey"]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                  aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
s3.create_bucket(Bucket="fuqaro-test")
open(out, "w").write(f'{key["AccessKeyId"]} {key["SecretAccessKey"]} fuqaro-test\n')
PY
fi
printf '%s %s\n' "$url" "$(cat "$state/credentials")" >&3
