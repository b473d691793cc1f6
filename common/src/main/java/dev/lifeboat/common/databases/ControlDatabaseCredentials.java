package dev.lifeboat.common.databases;

import io.quarkus.runtime.Startup;
import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The control database's credentials, which each service passes on to its datasources. A mapping so
 * that they are checked with the rest of the configuration when the service starts, before Flyway
 * connects: outside the dev and test profiles they have no default, and a service without them
 * stops at once, naming the variable (docs/configuration.md#safe-defaults).
 */
@ConfigMapping(prefix = "lifeboat.control-database")
public interface ControlDatabaseCredentials {
  String username();

  String password();

  /** Injects the mapping, so that Quarkus registers it and checks it with the configuration. */
  @Startup
  @ApplicationScoped
  class Required {
    @Inject ControlDatabaseCredentials credentials;
  }
}
