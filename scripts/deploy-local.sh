#!/usr/bin/env bash
# Brings up, on this machine, the topology of docs/DEPLOYMENT.md — nginx terminating TLS in
# front of two Fuqaro instances in production mode, PostgreSQL, an S3 object store (moto,
# behind TLS), an SMS gateway speaking Eskiz's protocol (behind TLS) — and runs a smoke test
# through the proxy: an administrator and a resident sign in with SMS codes, the resident
# links an account, sends a meter reading, pays it through Payme's Merchant API, files an
# appeal, and sees the administrator's step on it arrive live on an event stream.
#
#   scripts/deploy-local.sh            build (debug), bring up, smoke test, take down
#   KEEP=1 scripts/deploy-local.sh     leave it running (https://localhost:8443)
#   RELEASE=1 scripts/deploy-local.sh  the release build
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '\033[1mdeploy:\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[1;31mdeploy: FAILED:\033[0m %s\n' "$*" >&2; exit 1; }
export PATH="$HOME/.cargo/bin:$PATH"

dir=$root/target/deploy
rm -rf "$dir" && mkdir -p "$dir/tls" "$dir/nginx-tmp" "$dir/files"
pids=()
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    say "left running (KEEP=1): https://localhost:8443; stop with: kill ${pids[*]}"
    return
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# 1. What the machine needs: nginx (Debian), PostgreSQL, moto (PyPI), openssl, curl.
if ! command -v nginx >/dev/null; then
  say "apt: installing nginx"
  apt-get install -y -qq nginx >/dev/null
fi
admin_url=$(scripts/postgres.sh)
psql "$admin_url" -qc "DROP DATABASE IF EXISTS fuqaro_deploy" -c "CREATE DATABASE fuqaro_deploy"
database_url=${admin_url%/*}/fuqaro_deploy
read -r s3_url s3_access s3_secret s3_bucket <<<"$(scripts/moto.sh)"

# 2. A certificate authority of this deployment and the certificate nginx serves.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Fuqaro local CA" \
  -keyout "$dir/tls/ca.key" -out "$dir/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$dir/tls/server.key" -out "$dir/tls/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/tls/san.ext"
openssl x509 -req -in "$dir/tls/server.csr" -CA "$dir/tls/ca.pem" -CAkey "$dir/tls/ca.key" \
  -CAcreateserial -days 2 -extfile "$dir/tls/san.ext" -out "$dir/tls/server.pem" 2>/dev/null
ca=$dir/tls/ca.pem

# 3. The SMS gateway (Eskiz's protocol), behind TLS like the real one.
eskiz_password=$(openssl rand -hex 12)
python3 scripts/deploy/fake_eskiz.py 8310 ops@fuqaro.local "$eskiz_password" "$dir/sms.jsonl" &
pids+=($!)

# 4. nginx: TLS for Fuqaro (two instances, round robin), for the gateway and the object store.
cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $dir/nginx-access.log;
  client_body_temp_path $dir/nginx-tmp/body;
  proxy_temp_path $dir/nginx-tmp/proxy;
  fastcgi_temp_path $dir/nginx-tmp/fastcgi;
  uwsgi_temp_path $dir/nginx-tmp/uwsgi;
  scgi_temp_path $dir/nginx-tmp/scgi;
  ssl_certificate $dir/tls/server.pem;
  ssl_certificate_key $dir/tls/server.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  upstream fuqaro { server 127.0.0.1:3101; server 127.0.0.1:3102; }
  server {
    listen 127.0.0.1:8443 ssl;
    server_name localhost;
    client_max_body_size 80m;
    # Monitoring scrapes the instances directly (or with metrics_token), never through here.
    location = /metrics { return 404; }
    location / {
      proxy_pass http://fuqaro;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
      # The server takes the last address of this list: the one nginx appends.
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Request-Id \$request_id;
      # Event streams pass through as they come.
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
  server {
    listen 127.0.0.1:8444 ssl;
    location / { proxy_pass http://127.0.0.1:8310; }
  }
  server {
    listen 127.0.0.1:8445 ssl;
    client_max_body_size 80m;
    # SigV4 signs the Host the client used: pass it on unchanged.
    location / { proxy_pass $s3_url; proxy_set_header Host \$http_host; proxy_request_buffering off; }
  }
}
EOF
nginx -t -c "$dir/nginx.conf" -p "$dir" 2>"$dir/nginx-test.log" || { cat "$dir/nginx-test.log" >&2; fail "nginx configuration"; }
nginx -c "$dir/nginx.conf" -p "$dir" &
pids+=($!)

# 5. The server: built once, two instances in production mode, every setting from the
#    environment (docs/DEPLOYMENT.md lists them).
if [ "${RELEASE:-0}" = 1 ]; then
  cargo build --release -p server --bin server >&2
  profile=release
else
  cargo build -p server --bin server >&2
  profile=debug
fi
# The site (the WASM, JS and CSS the pages load) is part of a deployment: built when missing.
[ -f target/site/pkg/fuqaro.wasm ] || cargo leptos build --split >&2
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
server=$target/$profile/server
openssl rand -base64 48 >"$dir/pepper"
payme_key=$(openssl rand -hex 16)
export FUQARO_ENVIRONMENT=production
export FUQARO_PUBLIC_URL=https://localhost:8443
export FUQARO_DATABASE_URL=$database_url
export FUQARO_SMS__GATEWAY=eskiz FUQARO_SMS__ESKIZ_URL=https://localhost:8444
export FUQARO_SMS__ESKIZ_EMAIL=ops@fuqaro.local FUQARO_SMS__ESKIZ_PASSWORD=$eskiz_password
export FUQARO_CODE_PEPPER=file:$dir/pepper
export FUQARO_TLS_CA_FILE=$ca
export FUQARO_FILES__STORE=s3 FUQARO_FILES__S3_ENDPOINT=https://localhost:8445
export FUQARO_FILES__S3_BUCKET=$s3_bucket FUQARO_FILES__S3_ACCESS_KEY=$s3_access
export FUQARO_FILES__S3_SECRET_KEY=$s3_secret
export FUQARO_PAYME_KEY=$payme_key FUQARO_PAYME_MERCHANT_ID=5e730e8e0b852a417aa49ceb
export FUQARO_TRUST_FORWARDED_FOR=true
export FUQARO_LOG_FORMAT=json RUST_LOG=warn
for port in 3101 3102; do
  FUQARO_LISTEN=127.0.0.1:$port "$server" >"$dir/server-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { tail -5 "$dir/server-$port.log" >&2; fail "instance $port did not start"; }
done
say "two instances in production mode behind https://localhost:8443"

# 6. The smoke test, through the proxy only.
base=https://localhost:8443
ADMIN=+998901110001
RESIDENT=+998901110002
"$server" create-admin "$ADMIN" "Ops Admin" >/dev/null

# A request as `who` (a cookie jar each), carrying the site's Origin as a browser would.
call() {
  local who=$1
  shift
  curl -sS --cacert "$ca" -b "$dir/$who.jar" -c "$dir/$who.jar" -H "Origin: $base" -o "$dir/last-body" \
    -w '%{http_code} %{redirect_url}' "$@"
}
expect() { # what-it-was answer pattern
  [[ $2 =~ $3 ]] || fail "$1: got '$2', wanted /$3/ ($(head -c 300 "$dir/last-body"))"
  say "ok: $1"
}
newest_code() { # phone digits, the number of codes already seen
  for _ in $(seq 1 100); do
    local codes
    codes=$(grep "\"to\": \"$1\"" "$dir/sms.jsonl" 2>/dev/null | grep -oE '\b[0-9]{6}\b' || true)
    if [ "$(printf '%s' "$codes" | grep -c .)" -gt "$2" ]; then printf '%s' "$codes" | tail -n 1; return; fi
    sleep 0.1
  done
  fail "no code reached the gateway for $1"
}
sign_in() { # who phone
  local digits=${2#+} seen
  seen=$(grep -c "\"to\": \"$digits\"" "$dir/sms.jsonl" 2>/dev/null || true)
  expect "$1 asks for a code" "$(call "$1" -X POST --data-urlencode "phone=$2" "$base/auth/code")" '^303 .*/sign-in/code'
  local code
  code=$(newest_code "$digits" "${seen:-0}")
  # A resident lands on their accounts, staff on their work.
  expect "$1 signs in with the code from the SMS" "$(call "$1" -X POST -d "code=$code" "$base/auth/verify")" '^303 .*/(accounts|admin/staff|desk|inspector)$'
}

# The page's script is where the page says it is (a server built without cargo-leptos once
# named it fuqaro_bg.wasm, and no page hydrated).
expect "the home page loads" "$(call resident "$base/")" '^200 '
wasm=$(grep -m 1 -oE '/pkg/[A-Za-z0-9_.-]+\.wasm' "$dir/last-body" || true)
wasm=${wasm%%$'\n'*}
[ -n "$wasm" ] || fail "the home page names no WASM module"
expect "the WASM the page asks for is served ($wasm)" "$(call resident "$base$wasm")" '^200 '

sign_in admin "$ADMIN"
sign_in resident "$RESIDENT"

# The administrator sets up a body that handles healthcare appeals in Toshkent shahri.
expect "the administrator adds a body" \
  "$(call admin -X POST -d kind=ministry -d 'name_uz=Sogʻliqni saqlash vazirligi' -d 'name_uz_cyrl=Соғлиқни сақлаш вазирлиги' \
    -d 'name_ru=Министерство здравоохранения' -d topics=healthcare "$base/admin/bodies")" '^303 .*saved=[0-9]+'
body_id=$(psql "$database_url" -tAc "SELECT MAX(id) FROM bodies")

# The utility's import brings the resident's account with the phone it has for them.
account=$(psql "$database_url" -tAc "INSERT INTO utility_accounts (service_code, region_soato, district_soato, number, \
  holder_name, address, tariff_code, meter_decimals, created_at, holder_phone) VALUES ('electricity', '1726', '1726266', \
  '55000001', 'Karimova Dilnoza', 'Amir Temur 1', 'electricity-household', 1, 0, '$RESIDENT') RETURNING id" -q)
expect "the resident links her account (the utility has her phone)" \
  "$(call resident -X POST -d service=electricity -d region=1726 -d district=1726266 -d number=55000001 "$base/accounts/link")" \
  "^303 .*/accounts/$account\$"

mahalla=$(psql "$database_url" -tAc "SELECT MIN(code) FROM mahallas WHERE district_soato = '1726266'")
expect "she sends a meter photo and its reading" \
  "$(call resident -X POST -H 'Accept: application/json' -F "mahalla=$mahalla" -F value=1234.5 -F key=deploy-smoke-reading \
    -F "photo=@end2end/fixtures/meter.jpg;type=image/jpeg" "$base/accounts/$account/readings")" '^200 '
photos=$(psql "$database_url" -tAc "SELECT COUNT(*) FROM stored_files")
[ "$photos" -ge 1 ] || fail "no photo recorded"
python3 - "$s3_url" "$s3_access" "$s3_secret" "$s3_bucket" <<'PY' || fail "the photo is not in the object store"
import sys, boto3
url, access, secret, bucket = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1", aws_access_key_id=access, aws_secret_access_key=secret)
assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) >= 2
PY
say "ok: the photo and its thumbnail are in the S3 bucket"

expect "she orders a payment through Payme" \
  "$(call resident -X POST -d "account_id=$account" -d amount=25000 -d method=payme "$base/payments/orders")" '^303 .*/pay/[0-9]+$'
order=$(psql "$database_url" -tAc "SELECT MAX(id) FROM payment_orders")
payme() { # method params-json
  curl -sS --cacert "$ca" -u "Paycom:$payme_key" -H 'Content-Type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$base/payments/payme"
}
now=$(($(date +%s) * 1000))
tx=$(openssl rand -hex 12)
# Each answer is read whole before it is searched: `curl | grep -q` under pipefail fails
# whenever grep stops reading before curl has written everything.
[[ $(payme CheckPerformTransaction "{\"amount\":2500000,\"account\":{\"order_id\":\"$order\"}}") == *'"allow":true'* ]] ||
  fail "CheckPerformTransaction"
[[ $(payme CreateTransaction "{\"id\":\"$tx\",\"time\":$now,\"amount\":2500000,\"account\":{\"order_id\":\"$order\"}}") == *'"state":1'* ]] ||
  fail "CreateTransaction"
[[ $(payme PerformTransaction "{\"id\":\"$tx\"}") == *'"state":2'* ]] || fail "PerformTransaction"
[ "$(psql "$database_url" -tAc "SELECT status FROM payment_orders WHERE id = $order")" = paid ] || fail "the order is not paid"
say "ok: Payme paid the order through the Merchant API; the ledger has it"
expect "her receipt opens" "$(call resident "$base/receipts/$order/pdf")" '^200 '

expect "she files an appeal" \
  "$(call resident -X POST -F "body=$body_id" -F topic=healthcare -F kind=application -F 'subject=Poliklinika navbati' \
    -F 'text=Navbat juda uzun.' -F district=1726266 -F 'applicant=Karimova Dilnoza' -F 'address=Amir Temur 1' "$base/appeals")" '^303 .*/appeals/[0-9]+\?filed=1$'
appeal=$(psql "$database_url" -tAc "SELECT MAX(id) FROM appeals")

# Her event stream, through the proxy, while the administrator triages it.
curl -sS -N --cacert "$ca" -b "$dir/resident.jar" --max-time 20 \
  "$base/api/appeals/events?appeal=$appeal" >"$dir/stream" 2>/dev/null &
stream=$!
sleep 1
expect "the administrator triages it" \
  "$(call admin -X POST -F action=triage -F category=ordinary "$base/desk/appeals/$appeal")" '^303 .*done=triage'
for _ in $(seq 1 100); do grep -q 'triaged' "$dir/stream" && break; sleep 0.1; done
kill $stream 2>/dev/null || true
grep -q 'triaged' "$dir/stream" || fail "the step did not arrive on the stream: $(head -c 300 "$dir/stream")"
say "ok: the step arrived live on her stream"

# The developer pages and the sandboxes do not exist here.
expect "no outbox page in production" "$(call resident "$base/dev/sms")" '^404 '
expect "no metrics through the proxy" "$(call resident "$base/metrics")" '^404 '
printf '\n\033[1;32mdeploy: smoke test passed\033[0m\n' >&2
# Both instances took part (the proxy balances between them).
for port in 3101 3102; do
  requests=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^http_requests_total/ {s += $2} END {print s + 0}')
  say "instance $port served $requests requests"
  [ "$requests" -gt 0 ] || fail "instance $port served nothing"
done
