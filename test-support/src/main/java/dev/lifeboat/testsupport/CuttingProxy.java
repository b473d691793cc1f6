package dev.lifeboat.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a real server that, when armed, cuts the connection that
 * carries the client's N-th byte and then goes back to forwarding: a network failure in the middle
 * of an upload, from which the client can clean up afterwards. It can also take the server away for
 * a while, as an outage does: {@link #blackholeFor} (a partition: nothing moves, nothing is
 * refused) or {@link #refuseFor} (the server down: connections cut, new ones closed at once).
 */
public final class CuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final AtomicLong cutAfter = new AtomicLong(-1);
  private final AtomicLong cuts = new AtomicLong();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile long silentUntil = System.nanoTime();
  private volatile long refusingUntil = System.nanoTime();

  public CuttingProxy(String targetHost, int targetPort) {
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.target = new InetSocketAddress(targetHost, targetPort);
    Thread acceptor = new Thread(this::accept, "cutting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Cuts the connection on which the client has sent {@code bytes} more bytes, once. */
  public void cutAfter(long bytes) {
    cutAfter.set(bytes);
  }

  /**
   * For {@code period}, forwards no byte either way and connects no new connection to the server
   * (it is accepted and held): the packets of a network partition are lost, so neither end learns
   * anything until its own timeout. Then everything that waited moves on.
   */
  public void blackholeFor(Duration period) {
    silentUntil = System.nanoTime() + period.toNanos();
  }

  /**
   * Cuts every open connection now and, for {@code period}, closes each new one as soon as it
   * comes: the server is down. Then it forwards again.
   */
  public void refuseFor(Duration period) {
    refusingUntil = System.nanoTime() + period.toNanos();
    open.forEach(this::closeQuietly);
  }

  /** How many connections were cut so far. */
  public long cuts() {
    return cuts.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        if (System.nanoTime() - refusingUntil < 0) {
          client.close();
          continue;
        }
        awaitAudible();
        Socket server = new Socket();
        open.add(client);
        open.add(server);
        try {
          server.connect(target, 5000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(server);
          continue;
        }
        pump(client, server, true);
        pump(server, client, false);
      } catch (IOException e) {
        // The listener is closed: the proxy is done.
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                  if (upstream && countDown(n)) {
                    cuts.incrementAndGet();
                    from.close();
                    to.close();
                    return;
                  }
                  awaitAudible();
                  out.write(buffer, 0, n);
                }
              } catch (IOException e) {
                // One side closed; close the other below.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  /** True when these bytes reach the armed limit; disarms. */
  private boolean countDown(int n) {
    while (true) {
      long left = cutAfter.get();
      if (left < 0) {
        return false;
      }
      long next = left - n;
      if (next <= 0) {
        if (cutAfter.compareAndSet(left, -1)) {
          return true;
        }
      } else if (cutAfter.compareAndSet(left, next)) {
        return false;
      }
    }
  }

  /** Returns when no blackhole is in force. */
  private void awaitAudible() {
    while (System.nanoTime() - silentUntil < 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // Already closed.
    }
  }
}
