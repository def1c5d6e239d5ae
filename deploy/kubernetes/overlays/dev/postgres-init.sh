#!/bin/sh
# Runs once, on the first start of an empty data directory (docker-entrypoint-initdb.d): the registry's
# own database, owned by its own role. The passwords come from the Secrets, never from this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v user="$APICURIO_DB_USER" -v password="$APICURIO_DB_PASSWORD" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE apicurio OWNER :"user";
SQL
