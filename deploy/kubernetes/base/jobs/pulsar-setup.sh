#!/bin/sh
# Creates Veltrix's Pulsar tenant, namespace (with retention) and topics, and grants each service's role what it
# may do (the same as the local stack: deploy/stack PulsarSetup). Idempotent: what exists is left as it is and the
# grants are set again, so the Job can run on every deploy. Runs in the apachepulsar/pulsar image (bin/pulsar-admin)
# as the broker's superuser, whose token is in the file VELTRIX_PULSAR_TOKEN_FILE; locally:
#   VELTRIX_PULSAR_ADMIN_URL=http://127.0.0.1:8090 PULSAR_HOME=.veltrix/dist/pulsar-4.0.8 \
#   VELTRIX_PULSAR_TOKEN_FILE=$PWD/.veltrix/run/data/pulsar/auth/admin.token sh pulsar-setup.sh
set -eu

: "${VELTRIX_PULSAR_ADMIN_URL:?where the Pulsar admin API is, e.g. http://pulsar-broker.pulsar:8080}"
: "${VELTRIX_PULSAR_TOKEN_FILE:?the file with the superuser's token (Secret pulsar-admin-token)}"
ingest_role="${VELTRIX_PULSAR_INGEST_ROLE:-veltrix-ingest}"
processor_role="${VELTRIX_PULSAR_PROCESSOR_ROLE:-veltrix-processor}"
tenant="${VELTRIX_PULSAR_TENANT:-veltrix}"
namespace="$tenant/${VELTRIX_PULSAR_NAMESPACE:-events}"
retention_time="${VELTRIX_PULSAR_RETENTION_TIME:-7d}"
retention_size="${VELTRIX_PULSAR_RETENTION_SIZE:-10G}"
raw_partitions="${VELTRIX_EVENTS_RAW_PARTITIONS:-0}"

admin() {
  "${PULSAR_HOME:-/pulsar}/bin/pulsar-admin" --admin-url "$VELTRIX_PULSAR_ADMIN_URL" \
    --auth-plugin org.apache.pulsar.client.impl.auth.AuthenticationToken \
    --auth-params "file://$VELTRIX_PULSAR_TOKEN_FILE" "$@"
}

if admin tenants get "$tenant" >/dev/null 2>&1; then
  echo "tenant $tenant: exists"
else
  clusters=$(admin clusters list | tr -d '"' | tr '\n' ',' | sed 's/,$//')
  # no admin role: only the superuser administers the tenant (namespaces, topics, grants)
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

# Each role may do exactly this; everything else is refused (authorizationEnabled). Topic permissions of a
# partitioned events.raw cover its partitions.
grant() {
  admin topics grant-permission "persistent://$namespace/$1" --role "$2" --actions "$3"
  echo "topic persistent://$namespace/$1: $2 may $3"
}
grant events.raw "$ingest_role" produce
# the processor consumes it, and its dead-letter re-drive publishes back to it
grant events.raw "$processor_role" consume,produce
# ingest reads rejections back (summary, replay)
grant events.rejected "$ingest_role" produce,consume
grant events.rejected "$processor_role" produce
# the DLQ producer creates subscription veltrix-dlq (consume), the re-drive reads it
grant events.raw-DLQ "$processor_role" produce,consume
grant events.replays "$ingest_role" produce,consume
# the processor's subscriptions are its own
for subscription in veltrix-processor veltrix-dlq; do
  admin namespaces grant-subscription-permission "$namespace" --subscription "$subscription" --roles "$processor_role"
  echo "subscription $subscription: $processor_role only"
done
echo "pulsar setup done"
