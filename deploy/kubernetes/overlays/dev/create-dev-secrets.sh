#!/usr/bin/env bash
# Creates the Secrets the dev overlay references, with random values, in namespace veltrix-dev (or $1).
# Nothing is written to disk or committed. A Secret that already exists is kept: the database was
# initialised with its password. Prints the write key and the tokens to use.
set -euo pipefail
ns="${1:-veltrix-dev}"
random() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }
exists() { kubectl -n "$ns" get secret "$1" >/dev/null 2>&1; }

create() {
  local name="$1"; shift
  if exists "$name"; then
    echo "secret $name: exists, kept"
  else
    kubectl -n "$ns" create secret generic "$name" "$@" >/dev/null
    echo "secret $name: created"
  fi
}

create veltrix-db --type=kubernetes.io/basic-auth \
  --from-literal=username=veltrix --from-literal=password="$(random)"
# one role per service (each owns its schema; the usernames are the role names the migrations grant to)
create processor-db --type=kubernetes.io/basic-auth \
  --from-literal=username=veltrix_processor --from-literal=password="$(random)"
create experiments-db --type=kubernetes.io/basic-auth \
  --from-literal=username=veltrix_experiments --from-literal=password="$(random)"
create apicurio-db --type=kubernetes.io/basic-auth \
  --from-literal=username=apicurio --from-literal=password="$(random)"
# the schema registry's one writing user (the registration Job; Apicurio checks it)
create registry-writer --type=kubernetes.io/basic-auth \
  --from-literal=username=registrar --from-literal=password="$(random)"
# the write keys file ingest re-reads (one key here; add lines dev2.key= / dev2.source= for more)
create ingest-write-keys \
  --from-literal=write-keys.properties="$(printf 'dev.key=wk-%s\ndev.source=treasure-hunt\n' "$(random)")"
admin="at-$(random)"
read="rt-$(random)"
create experiments-tokens \
  --from-literal=VELTRIX_EXPERIMENTS_ADMIN_TOKEN="$admin" --from-literal=VELTRIX_EXPERIMENTS_READ_TOKEN="$read" \
  --from-literal=VELTRIX_EXPERIMENTS_SDK_KEY="sk-$(random)"
create ingest-admin-tokens \
  --from-literal=VELTRIX_INGEST_ADMIN_TOKEN="$admin" --from-literal=VELTRIX_INGEST_READ_TOKEN="$read"
create processor-admin-token --from-literal=VELTRIX_PROCESSOR_ADMIN_TOKEN="$admin"

# Pulsar: a secret key (HS256, 32 random bytes) and one token per role signed with it, as
# `bin/pulsar tokens create --secret-key file:///secret.key --subject <role>` makes them. Only when the key is new:
# tokens of an existing key are kept (to rotate: delete the four Secrets, run this again, restart Pulsar and the pods).
b64url() { base64 | tr -d '=\n' | tr '/+' '_-'; }
jwt() { # $1 key file, $2 role
  local unsigned
  unsigned="$(printf '{"alg":"HS256"}' | b64url).$(printf '{"sub":"%s"}' "$2" | b64url)"
  printf '%s.%s' "$unsigned" "$(printf '%s' "$unsigned" | openssl dgst -sha256 -mac HMAC \
    -macopt hexkey:"$(od -An -v -tx1 "$1" | tr -d ' \n')" -binary | b64url)"
}
if ! exists pulsar-token-key; then
  keydir="$(mktemp -d)"; trap 'rm -rf "$keydir"' EXIT
  head -c 32 /dev/urandom > "$keydir/secret.key"
  create pulsar-admin-token --from-literal=token="$(jwt "$keydir/secret.key" veltrix-admin)"
  create pulsar-ingest-token --from-literal=token="$(jwt "$keydir/secret.key" veltrix-ingest)"
  create pulsar-processor-token --from-literal=token="$(jwt "$keydir/secret.key" veltrix-processor)"
  create pulsar-token-key --from-file=secret.key="$keydir/secret.key"
else
  echo "secret pulsar-token-key: exists, kept (with its tokens)"
fi

show() { kubectl -n "$ns" get secret "$1" -o "jsonpath={.data.$2}" | base64 -d; echo; }
echo "write key:    $(show ingest-write-keys 'write-keys\.properties' | sed -n 's/^dev.key=//p')"
echo "admin token:  $(show experiments-tokens VELTRIX_EXPERIMENTS_ADMIN_TOKEN)"
echo "read token:   $(show experiments-tokens VELTRIX_EXPERIMENTS_READ_TOKEN)"
echo "SDK key:      $(show experiments-tokens VELTRIX_EXPERIMENTS_SDK_KEY)"
