package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface, for servers that must be told their port up front.
 *
 * <p>The port is picked below the kernel's ephemeral range on purpose: a port from {@code new
 * ServerSocket(0)} is an ephemeral one, and between picking it and the server binding it any
 * outgoing connection on the machine (a Kafka client, a JDBC pool) may be given it as its local
 * port. CI saw exactly that: {@code bin/stack up} found its chosen service port taken. Ports below
 * the range are only ever taken by a listener that asks for them.
 */
public final class Ports {
  private static final int LOWEST = 10_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  public static synchronized int free() {
    int below = ephemeralLow();
    for (int attempt = 0; attempt < 500; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (!HANDED_OUT.contains(port) && bindable(port) && !listening(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new UncheckedIOException(
        new IOException("no free port between " + LOWEST + " and " + below + " on loopback"));
  }

  /** Whether something accepts connections on 127.0.0.1:port. */
  public static boolean listening(int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of Linux's ephemeral range; 32768 (its default) where it cannot be read. */
  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
      int low = Integer.parseInt(range.split("\\s+")[0]);
      return low > LOWEST + 1_000 ? low : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
