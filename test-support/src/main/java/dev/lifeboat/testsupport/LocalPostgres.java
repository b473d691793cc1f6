package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * A throwaway PostgreSQL cluster made with initdb and run with pg_ctl. PostgreSQL refuses to run as
 * root, so under root (CI, containers) the server programs run as the {@code postgres} user that
 * the Debian package creates.
 */
public final class LocalPostgres implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LocalPostgres.class);
  private static final String SUPERUSER = "lifeboat";
  private static final String SERVICE_USER = "postgres";

  /**
   * A throwaway test cluster: durability only costs test time. Never for figures: benchmarks run
   * the durable cluster ({@link TestServers#useDurablePostgres}).
   */
  private static final List<String> FAST_AND_UNSAFE =
      List.of("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");

  private final Path binDir;
  private final Path dataDir;
  private final boolean asServiceUser;
  private final PostgresEndpoint endpoint;

  private LocalPostgres(
      Path binDir, Path dataDir, boolean asServiceUser, PostgresEndpoint endpoint) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.asServiceUser = asServiceUser;
    this.endpoint = endpoint;
  }

  /**
   * The shared cluster. {@code durable}: with PostgreSQL's default durability (fsync, synchronous
   * commit, full page writes), as users run it, for benchmarks; otherwise without, which only costs
   * test time.
   */
  static LocalPostgres start(Path baseDir, boolean durable) {
    Path binDir = PostgresBinaries.binDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path runDir = root ? serviceUserReachable(baseDir) : baseDir;
    stopStale(binDir, runDir, root);
    Path dir = runDir.resolve("postgres-" + System.currentTimeMillis());
    return start(
        binDir,
        root,
        dir,
        dir.resolve("data"),
        List.of(),
        data -> {},
        durable ? List.of() : FAST_AND_UNSAFE);
  }

  /**
   * A further cluster, for a test that needs a server of its own (say, on a small file system that
   * it fills): its data in {@code dataDir}, its log and write-ahead log in {@code dir}, so that a
   * full data disk fails the statement that writes there rather than the server. Both must be
   * reachable by the server's user; the caller closes it.
   */
  public static LocalPostgres start(Path dir, Path dataDir) {
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Files.createDirectories(dataDir);
      if (root) {
        chown(dataDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not create " + dataDir, e);
    }
    return start(
        PostgresBinaries.binDir(),
        root,
        dir,
        dataDir,
        List.of("--waldir=" + dir.resolve("wal").toAbsolutePath()),
        data -> {},
        FAST_AND_UNSAFE);
  }

  /**
   * A further cluster that accepts TLS connections only ({@code hostssl}; a plain connection is
   * rejected), with the given server certificate and key (PEM), as managed PostgreSQL services do.
   * The caller closes it.
   */
  public static LocalPostgres startTlsOnly(Path baseDir, Path serverCert, Path serverKey) {
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir =
        (root ? serviceUserReachable(baseDir) : baseDir)
            .resolve("postgres-tls-" + System.currentTimeMillis());
    return start(
        PostgresBinaries.binDir(),
        root,
        dir,
        dir.resolve("data"),
        List.of(),
        data -> {
          try {
            Path cert = data.resolve("server.crt");
            Path key = data.resolve("server.key");
            Files.copy(serverCert, cert);
            Files.copy(serverKey, key);
            Files.setPosixFilePermissions(
                key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(
                data.resolve("pg_hba.conf"),
                "hostssl all all 127.0.0.1/32 scram-sha-256\n"
                    + "hostnossl all all 0.0.0.0/0 reject\n");
            if (root) {
              chown(cert);
              chown(key);
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        Stream.concat(Stream.of("-c ssl=on"), FAST_AND_UNSAFE.stream()).toList());
  }

  private static LocalPostgres start(
      Path binDir,
      boolean root,
      Path dir,
      Path dataDir,
      List<String> initdbOptions,
      java.util.function.Consumer<Path> beforeStart,
      List<String> serverOptions) {
    String password = UUID.randomUUID().toString();
    int port = Ports.free();
    try {
      Files.createDirectories(dir);
      Path pwFile = dir.resolve("pwfile");
      Files.writeString(pwFile, password + "\n");
      if (root) {
        chown(dir);
        chown(pwFile);
      }
      List<String> initdb =
          new ArrayList<>(
              List.of(
                  "initdb",
                  "-D",
                  dataDir.toString(),
                  "-U",
                  SUPERUSER,
                  "--auth=scram-sha-256",
                  "--pwfile=" + pwFile,
                  "-E",
                  "UTF8",
                  "--locale=C.UTF-8",
                  "--no-sync"));
      initdb.addAll(initdbOptions);
      run(root, binDir, dir, initdb);
      Files.delete(pwFile);
      beforeStart.accept(dataDir);
      List<String> all =
          new ArrayList<>(
              List.of(
                  "-p " + port,
                  "-c listen_addresses=127.0.0.1",
                  "-c unix_socket_directories=''",
                  "-c max_connections=200"));
      all.addAll(serverOptions);
      String options = String.join(" ", all);
      run(
          root,
          binDir,
          dir,
          List.of(
              "pg_ctl",
              "-D",
              dataDir.toString(),
              "-l",
              dir.resolve("postgres.log").toString(),
              "-o",
              options,
              "-w",
              "-t",
              "60",
              "start"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not set up PostgreSQL under " + dir, e);
    }
    LOG.infof(
        "PostgreSQL %d started on 127.0.0.1:%d, data in %s",
        PostgresBinaries.majorVersion(binDir), port, dataDir);
    return new LocalPostgres(
        binDir,
        dataDir,
        root,
        new PostgresEndpoint("127.0.0.1", port, SUPERUSER, password, binDir));
  }

  public PostgresEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    stop(binDir, dataDir, asServiceUser);
  }

  private static void stop(Path binDir, Path dataDir, boolean root) {
    try {
      run(
          root,
          binDir,
          dataDir.getParent(),
          List.of("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop"));
    } catch (RuntimeException e) {
      LOG.warnf("could not stop PostgreSQL in %s: %s", dataDir, e.getMessage());
    }
  }

  /** Stops clusters that earlier test JVMs left running after being killed. */
  private static void stopStale(Path binDir, Path runDir, boolean root) {
    if (!Files.isDirectory(runDir)) {
      return;
    }
    try (var dirs = Files.list(runDir)) {
      dirs.map(d -> d.resolve("data"))
          .filter(d -> Files.exists(d.resolve("postmaster.pid")))
          .forEach(d -> stop(binDir, d, root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The postgres user must reach the data directory. A checkout under a private home directory is
   * out of its reach; then the cluster lives in the temp directory instead.
   */
  private static Path serviceUserReachable(Path baseDir) {
    try {
      Files.createDirectories(baseDir);
      Process probe =
          new ProcessBuilder("runuser", "-u", SERVICE_USER, "--", "test", "-x", baseDir.toString())
              .redirectErrorStream(true)
              .start();
      if (probe.waitFor() == 0) {
        return baseDir;
      }
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "lifeboat-it-postgres");
      Files.createDirectories(tmp);
      LOG.infof(
          "%s is not reachable for the %s user; the cluster lives under %s",
          baseDir, SERVICE_USER, tmp);
      return tmp;
    } catch (IOException e) {
      throw new IllegalStateException(
          "running as root, PostgreSQL must run as the '"
              + SERVICE_USER
              + "' user (created by the Debian"
              + " package 'postgresql'), but runuser failed: "
              + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void chown(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    try {
      Files.setOwner(path, users.lookupPrincipalByName(SERVICE_USER));
    } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
      throw new IllegalStateException(
          "running as root, PostgreSQL must run as the '"
              + SERVICE_USER
              + "' user, which does not exist:"
              + " install the Debian package 'postgresql'",
          e);
    }
  }

  private static void run(boolean root, Path binDir, Path workDir, List<String> command) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("runuser", "-u", SERVICE_USER, "--"));
    }
    full.add(binDir.resolve(command.get(0)).toString());
    full.addAll(command.subList(1, command.size()));
    try {
      Process p =
          new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException(
            command.get(0) + " failed (exit " + p.exitValue() + "):\n" + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + full, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
