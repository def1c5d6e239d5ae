#!/bin/sh
# Runs once, on the first start of an empty data directory (docker-entrypoint-initdb.d): one role per service,
# each owning its schema of the database veltrix (their migrations fill it and grant the read contract), and the
# registry's own database, owned by its own role. No role but the database owner may connect by default. The
# passwords come from the Secrets, never from this file.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v processor="$PROCESSOR_DB_USER" -v processor_password="$PROCESSOR_DB_PASSWORD" \
  -v experiments="$EXPERIMENTS_DB_USER" -v experiments_password="$EXPERIMENTS_DB_PASSWORD" \
  -v registry="$APICURIO_DB_USER" -v registry_password="$APICURIO_DB_PASSWORD" <<'SQL'
CREATE ROLE :"processor" LOGIN NOINHERIT PASSWORD :'processor_password';
CREATE ROLE :"experiments" LOGIN NOINHERIT PASSWORD :'experiments_password';
CREATE ROLE :"registry" LOGIN PASSWORD :'registry_password';
REVOKE ALL ON DATABASE veltrix FROM PUBLIC;
GRANT CONNECT ON DATABASE veltrix TO :"processor", :"experiments";
CREATE SCHEMA processing AUTHORIZATION :"processor";
CREATE SCHEMA experiments AUTHORIZATION :"experiments";
-- each may look into the other's schema from the start; the tables and views in it are granted by their owner's
-- migrations (the read contract)
GRANT USAGE ON SCHEMA processing TO :"experiments";
GRANT USAGE ON SCHEMA experiments TO :"processor";
CREATE DATABASE apicurio OWNER :"registry";
REVOKE ALL ON DATABASE apicurio FROM PUBLIC;
SQL
