#!/bin/sh
# Runs once, when the Postgres volume is first initialised (docker-entrypoint-initdb.d), as the
# superuser POSTGRES_USER. The app gets its own role that is NOT superuser and owns only its database:
# enough to run its migrations (the schema, and the trusted extensions pgcrypto and citext, which a
# database owner may create since Postgres 13), nothing on other databases or on the server.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_role="$ATS_DB_USER" -v app_password="$ATS_DB_PASSWORD" -v app_db="$ATS_DB_NAME" <<'SQL'
CREATE ROLE :"app_role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_role";
-- Other roles may not even connect to the app's database.
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
SQL
