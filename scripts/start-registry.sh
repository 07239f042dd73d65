#!/usr/bin/env bash
# Starts Debian's docker-registry (distribution 2.x) on loopback for the tests: its own config file and storage
# folder, deletes enabled, htpasswd auth with a user whose password is made here once. Safe to run again: a
# registry already answering on the port is left as it is. Prints nothing on success unless asked (-v).
#
#   NX_BAKE_REGISTRY_PORT   port on 127.0.0.1 (5055)
#   NX_BAKE_REGISTRY_DIR    config, storage, credentials, log and pid file (/var/lib/nx-bake-registry)
#
# The tests read the user and password from $NX_BAKE_REGISTRY_DIR/credentials (user:password, 0600).
set -euo pipefail

port="${NX_BAKE_REGISTRY_PORT:-5055}"
dir="${NX_BAKE_REGISTRY_DIR:-/var/lib/nx-bake-registry}"
say() { echo "[registry] $*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v docker-registry >/dev/null; then
  say "installing docker-registry"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
fi

# The API root answers 401 (auth required) once the registry is up.
up() { node -e 'fetch(process.argv[1]).then((r) => process.exit([200, 401].includes(r.status) ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:${port}/v2/"; }
if up; then exit 0; fi

as_root mkdir -p "$dir/data"
as_root chmod 700 "$dir"
if [ ! -s "$dir/credentials" ]; then
  password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
  echo "nx-bake:${password}" | as_root tee "$dir/credentials" >/dev/null
  as_root chmod 600 "$dir/credentials"
fi
password="$(cut -d: -f2- "$dir/credentials")"
# bcrypt at the lowest cost: the registry checks the password on every request (a push makes dozens).
hash="$(python3 -W ignore -c 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' "$password")"
echo "nx-bake:${hash}" | as_root tee "$dir/htpasswd" >/dev/null

as_root tee "$dir/config.yml" >/dev/null <<YAML
version: 0.1
log:
  level: warn
  accesslog: { disabled: true }
storage:
  filesystem: { rootdirectory: ${dir}/data }
  delete: { enabled: true }
  maintenance:
    uploadpurging: { enabled: false }
http:
  addr: 127.0.0.1:${port}
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: nx-bake-test-registry
    path: ${dir}/htpasswd
YAML

say "starting docker-registry on 127.0.0.1:${port}"
as_root sh -c "nohup docker-registry serve '$dir/config.yml' >>'$dir/registry.log' 2>&1 & echo \$! > '$dir/registry.pid'"
for _ in $(seq 1 50); do up && exit 0; sleep 0.2; done
tail -20 "$dir/registry.log" >&2
exit 1
