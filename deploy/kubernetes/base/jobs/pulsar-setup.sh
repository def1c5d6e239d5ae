#!/bin/sh
# Creates Veltrix's Pulsar tenant, namespace (with retention) and topics. Idempotent: what exists is left
# as it is, so the Job can run on every deploy. Runs in the apachepulsar/pulsar image (bin/pulsar-admin);
# locally: VELTRIX_PULSAR_ADMIN_URL=http://127.0.0.1:8090 PULSAR_HOME=.veltrix/dist/pulsar-4.0.8 sh pulsar-setup.sh
set -eu

: "${VELTRIX_PULSAR_ADMIN_URL:?where the Pulsar admin API is, e.g. http://pulsar-broker.pulsar:8080}"
tenant="${VELTRIX_PULSAR_TENANT:-veltrix}"
namespace="$tenant/${VELTRIX_PULSAR_NAMESPACE:-events}"
retention_time="${VELTRIX_PULSAR_RETENTION_TIME:-7d}"
retention_size="${VELTRIX_PULSAR_RETENTION_SIZE:-10G}"
raw_partitions="${VELTRIX_EVENTS_RAW_PARTITIONS:-0}"

admin() {
  "${PULSAR_HOME:-/pulsar}/bin/pulsar-admin" --admin-url "$VELTRIX_PULSAR_ADMIN_URL" "$@"
}

if admin tenants get "$tenant" >/dev/null 2>&1; then
  echo "tenant $tenant: exists"
else
  clusters=$(admin clusters list | tr -d '"' | tr '\n' ',' | sed 's/,$//')
  admin tenants create "$tenant" --allowed-clusters "$clusters"
  echo "tenant $tenant: created (clusters $clusters)"
fi

if admin namespaces list "$tenant" | tr -d '"' | grep -qx "$namespace"; then
  echo "namespace $namespace: exists"
else
  admin namespaces create "$namespace"
  echo "namespace $namespace: created"
fi
# consumed events stay readable (replay, audits) for this long / up to this size
admin namespaces set-retention "$namespace" --time "$retention_time" --size "$retention_size"
echo "namespace $namespace: retention $retention_time / $retention_size"

existing=$( (admin topics list "$namespace"; admin topics list-partitioned-topics "$namespace") | tr -d '"')
create_topic() {
  topic="persistent://$namespace/$1"
  partitions="$2"
  if printf '%s\n' "$existing" | grep -qx "$topic"; then
    echo "topic $topic: exists"
  elif [ "$partitions" -gt 0 ]; then
    admin topics create-partitioned-topic "$topic" --partitions "$partitions"
    echo "topic $topic: created with $partitions partitions"
  else
    admin topics create "$topic"
    echo "topic $topic: created"
  fi
}
create_topic events.raw "$raw_partitions"
# low volume, read by replay and by people: never partitioned
create_topic events.rejected 0
create_topic events.raw-DLQ 0
# ingest's replay markers (what an earlier replay settled)
create_topic events.replays 0
echo "pulsar setup done"
