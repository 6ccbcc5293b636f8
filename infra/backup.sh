#!/usr/bin/env bash
# Nightly backup of a `docker compose` installation of TĐKT (see infra/README.md, Backups).
#
#   infra/backup.sh [/srv/tdkt-backups]          # run from the repository folder, as a user
#                                                # allowed to use docker
# cron (02:30 every night):
#   30 2 * * *  cd /opt/tdkt && infra/backup.sh /srv/tdkt-backups >> /var/log/tdkt-backup.log 2>&1
#
# Writes <target>/<date-time>/:
#   outbox-positions.txt   where each publisher's outbox relay stood (read BEFORE the stream
#                          snapshot, so the snapshot holds at least these events)
#   nats-TDKT/             `nats stream backup` of the stream TDKT (messages + consumers)
#   <database>.dump        `pg_dump -Fc` of each service database
#   globals.sql            roles (pg_dumpall --globals-only)
# and deletes backups older than KEEP_DAYS (default 14). Copy the target folder off the host.
set -euo pipefail

TARGET="${1:-/srv/tdkt-backups}"
KEEP_DAYS="${KEEP_DAYS:-14}"
DATABASES="${DATABASES:-tdkt_plan tdkt_nomination tdkt_notification tdkt_reporting}"
NATS_BOX_IMAGE="${NATS_BOX_IMAGE:-natsio/nats-box:latest}"   # pin a version in production
COMPOSE_PROJECT="${COMPOSE_PROJECT:-tdkt}"                    # `name:` in compose.yaml
STREAM="${STREAM:-TDKT}"

DIR="$TARGET/$(date +%Y-%m-%dT%H%M)"
mkdir -p "$DIR"
chmod 700 "$DIR"
echo "$(date -Is) backup to $DIR"

psql_at() {  # psql_at <database> <sql>: unaligned, tuples only
  docker compose exec -T postgres psql -U postgres -d "$1" -v ON_ERROR_STOP=1 -Atc "$2"
}

# 1. Outbox positions (services that publish keep a table outbox_position).
for db in $DATABASES; do
  if [ "$(psql_at "$db" "SELECT to_regclass('outbox_position') IS NOT NULL")" = "t" ]; then
    psql_at "$db" "SELECT '$db', relay, notification_id FROM outbox_position" >> "$DIR/outbox-positions.txt"
  fi
done
touch "$DIR/outbox-positions.txt"

# 2. The stream, with its consumers, through a nats-box container on the compose network.
docker run --rm --network "${COMPOSE_PROJECT}_default" -v "$DIR:/backup" "$NATS_BOX_IMAGE" \
  nats --server nats://nats:4222 stream backup "$STREAM" "/backup/nats-$STREAM"

# 3. The databases, one file each (custom format: pg_restore can restore one table or all).
for db in $DATABASES; do
  docker compose exec -T postgres pg_dump -U postgres -Fc "$db" > "$DIR/$db.dump"
  # A dump that pg_restore cannot list is no backup.
  docker compose exec -T postgres pg_restore --list < "$DIR/$db.dump" > /dev/null
done
docker compose exec -T postgres pg_dumpall -U postgres --globals-only > "$DIR/globals.sql"

# 4. The dossiers' documents (content-addressed, never rewritten): an archive of the volume.
docker run --rm -v "${COMPOSE_PROJECT}_documents:/documents:ro" -v "$DIR:/backup" "$NATS_BOX_IMAGE" \
  tar -C /documents -czf /backup/documents.tar.gz .

du -sh "$DIR"
find "$TARGET" -mindepth 1 -maxdepth 1 -type d -mtime "+$KEEP_DAYS" -exec rm -rf {} +
echo "$(date -Is) backup done"
