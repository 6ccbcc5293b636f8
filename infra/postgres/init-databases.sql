-- =====================================================================================
-- TĐKT on a production PostgreSQL server (the province's managed cluster, a VM, ...):
-- one database per service, one login role per service that owns ONLY its database.
--
-- Run once as a superuser (re-running is safe: it creates what is missing and resets the
-- passwords to the given values):
--
--   psql "host=db.tinh.internal user=postgres dbname=postgres" \
--        -v plan_password="$(cat plan.pw)" \
--        -v nomination_password="$(cat nomination.pw)" \
--        -v notification_password="$(cat notification.pw)" \
--        -v reporting_password="$(cat reporting.pw)" \
--        -v web_password="$(cat web.pw)" \
--        [-v backup_password=...] [-v replication_password=...] \
--        -f infra/postgres/init-databases.sql
--
-- Then give each service its own DSN (percent-encode @ : / in passwords):
--   plan:          TDKT_PG_DSN=postgresql://tdkt_plan:<pw>@db.tinh.internal:5432/tdkt_plan
--   nomination:    TDKT_PG_DSN=postgresql://tdkt_nomination:<pw>@db.tinh.internal:5432/tdkt_nomination
--   notification:  TDKT_PG_DSN=postgresql://tdkt_notification:<pw>@...:5432/tdkt_notification
--   reporting:     TDKT_PG_DSN=postgresql://tdkt_reporting:<pw>@...:5432/tdkt_reporting
--   web:           TDKT_PG_DSN=postgresql://tdkt_web:<pw>@...:5432/tdkt_web   (sessions only)
-- (The database part of the DSN does not matter: each service derives its database name
-- from TDKT_DB_PREFIX + its name, default tdkt_<service>, see servicekit/settings.py.)
--
-- Why CONNECT on the database `postgres`: at start-up every service connects to `postgres`
-- to check that its own database exists (servicekit/db.py: ensure_database). The roles
-- have no CREATEDB, so the databases must exist first - which this script does.
-- Each service then creates its own tables in its database (it owns the schema `public`
-- there: PostgreSQL 15+ gives `public` to the database owner).
-- =====================================================================================

\set ON_ERROR_STOP on

\if :{?plan_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'missing: psql -v plan_password=...'; END $$;
\endif
\if :{?nomination_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'missing: psql -v nomination_password=...'; END $$;
\endif
\if :{?notification_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'missing: psql -v notification_password=...'; END $$;
\endif
\if :{?reporting_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'missing: psql -v reporting_password=...'; END $$;
\endif
\if :{?web_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'missing: psql -v web_password=...'; END $$;
\endif

SET password_encryption = 'scram-sha-256';

-- The five services: role name = database name.
CREATE TEMPORARY TABLE tdkt_services (name text PRIMARY KEY, password text NOT NULL);
INSERT INTO tdkt_services VALUES
  ('tdkt_plan',         :'plan_password'),
  ('tdkt_nomination',   :'nomination_password'),
  ('tdkt_notification', :'notification_password'),
  ('tdkt_reporting',    :'reporting_password'),
  ('tdkt_web',          :'web_password');

-- Roles: login, nothing else (no superuser, no CREATEDB, no CREATEROLE, no replication).
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION', name)
  FROM tdkt_services WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name)
\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', name, password) FROM tdkt_services
\gexec
-- A service may hold at most this many connections (pools: event store, projections, relay).
SELECT format('ALTER ROLE %I CONNECTION LIMIT 100', name) FROM tdkt_services
\gexec

-- Databases: UTF-8, each owned by its service's role.
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L TEMPLATE template0', name, name, 'UTF8')
  FROM tdkt_services WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = name)
\gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', name, name) FROM tdkt_services
\gexec

-- Only the owner (and superusers) may connect to a service's database.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', name) FROM tdkt_services
\gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', name, name) FROM tdkt_services
\gexec
-- ensure_database() reads pg_database through the database `postgres`.
SELECT format('GRANT CONNECT ON DATABASE postgres TO %I', name) FROM tdkt_services
\gexec

-- Optional: a read-only role for pg_dump backups (PostgreSQL 14+: pg_read_all_data).
\if :{?backup_password}
SELECT 'CREATE ROLE tdkt_backup LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tdkt_backup')
\gexec
ALTER ROLE tdkt_backup WITH LOGIN PASSWORD :'backup_password';
GRANT pg_read_all_data TO tdkt_backup;
SELECT format('GRANT CONNECT ON DATABASE %I TO tdkt_backup', name) FROM tdkt_services
\gexec
\endif

-- Optional: the role a streaming-replication standby connects with (see README.md).
\if :{?replication_password}
SELECT 'CREATE ROLE replicator LOGIN REPLICATION'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator')
\gexec
ALTER ROLE replicator WITH LOGIN REPLICATION PASSWORD :'replication_password';
\endif

DROP TABLE tdkt_services;

SELECT r.rolname AS role, d.datname AS database, pg_get_userbyid(d.datdba) AS owner
  FROM pg_roles r LEFT JOIN pg_database d ON d.datname = r.rolname
 WHERE r.rolname LIKE 'tdkt\_%' OR r.rolname = 'replicator'
 ORDER BY 1;
