# bin/stack's Docker Compose mode, sourced by bin/stack: the same stack from docker-compose.yml.
# PostgreSQL, Kafka and MinIO run as containers with the contract's ports published on 127.0.0.1;
# the services are built from source by their Dockerfiles.

compose() { (cd "$ROOT" && LIFEBOAT_JWT_DIR="$STACK_DIR/jwt" docker compose "$@"); }

docker_psql() {
  local db="$1"
  shift
  compose exec -T postgres psql -X -q -v ON_ERROR_STOP=1 -U "$PG_USER" -d "$db" "$@"
}

docker_up() {
  ensure_keys
  # The services read the stack's public key from the mounted .stack/jwt directory.
  chmod 755 "$STACK_DIR/jwt"
  chmod 644 "$STACK_DIR/jwt/public.pem"
  compose up -d --build --wait || die "docker compose up failed: see 'docker compose logs'"
  if [ "$(docker_psql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'app'")" != 1 ]; then
    say "  creating the sample database app"
    docker_psql postgres -c "CREATE DATABASE app"
    docker_psql app <"$ROOT/stack/sample-app.sql" >/dev/null
  fi
  await_services
}
