#!/usr/bin/env bash
# One database and two roles per service; no role can connect to another service's database.
# `<service>_owner` owns the database and runs the migrations (python -m deploy.migrate: compose's
# `<service>-migrate`), which make the tables and grant `<service>`, the role the service logs in
# as, SELECT and INSERT on its events and chain tables and no more on them (docs/architecture.md,
# "Tamper-evident"). Each role's password is the file compose hands the server as a secret
# (deploy/secrets.py).
set -euo pipefail
for service in intake casework decisions care training gateway; do
  password=$(< "/run/secrets/db_password_${service}")
  owner_password=$(< "/run/secrets/db_owner_password_${service}")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v database="$service" \
       -v role="$service" -v password="$password" -v owner="${service}_owner" -v owner_password="$owner_password" <<'SQL'
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"owner";
REVOKE CONNECT, TEMPORARY ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"owner", :"role";
SQL
done
