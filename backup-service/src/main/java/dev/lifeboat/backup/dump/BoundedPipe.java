package dev.lifeboat.backup.dump;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands the compressed archive from the dumping thread to the uploading one through a bounded queue
 * of chunks. Unlike {@link java.io.PipedInputStream}, whose reader sleeps until the buffer is full
 * (or a second has passed) and whose writer then sleeps until it is empty, each chunk is handed
 * over as soon as it is filled, so compressing and uploading overlap. Memory is bounded by {@code
 * chunks × chunkBytes}.
 *
 * <p>Either end may give up: closing the input end makes the next write fail with an {@link
 * IOException}, so a failed upload stops the dump instead of blocking it.
 */
final class BoundedPipe {
  private static final byte[] END = new byte[0];
  private static final long POLL_MILLIS = 200;

  private final BlockingQueue<byte[]> queue;
  // Chunks the reader has emptied, for the writer to fill again: a backup of any size then
  // allocates a handful of chunks instead of one per 256 KiB, and the heap stays small.
  private final BlockingQueue<byte[]> free;
  private final int chunkBytes;
  private volatile boolean readerClosed;
  private final Output output = new Output();
  private final Input input = new Input();

  BoundedPipe(int chunks, int chunkBytes) {
    if (chunks < 1 || chunkBytes < 1) {
      throw new IllegalArgumentException("a pipe needs at least one chunk of at least one byte");
    }
    this.queue = new ArrayBlockingQueue<>(chunks);
    this.free = new ArrayBlockingQueue<>(chunks + 2);
    this.chunkBytes = chunkBytes;
  }

  OutputStream output() {
    return output;
  }

  InputStream input() {
    return input;
  }

  /** Whether the reading end has been closed, by its reader or on failure. */
  boolean readerClosed() {
    return readerClosed;
  }

  private final class Output extends OutputStream {
    private byte[] chunk;
    private int filled;
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (closed) {
        throw new IOException("pipe closed by its writer");
      }
      while (len > 0) {
        if (chunk == null) {
          chunk = free.poll();
          if (chunk == null) {
            chunk = new byte[chunkBytes];
          }
          filled = 0;
        }
        int n = Math.min(len, chunkBytes - filled);
        System.arraycopy(b, off, chunk, filled, n);
        filled += n;
        off += n;
        len -= n;
        if (filled == chunkBytes) {
          hand(chunk);
          chunk = null;
        }
      }
    }

    /** Hands over what is filled so far, so that a slow writer does not hold data back. */
    @Override
    public void flush() throws IOException {
      if (chunk != null && filled > 0) {
        byte[] part = new byte[filled];
        System.arraycopy(chunk, 0, part, 0, filled);
        hand(part);
        filled = 0;
      }
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        flush();
        closed = true;
        hand(END);
      }
    }

    private void hand(byte[] data) throws IOException {
      try {
        while (!queue.offer(data, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          if (readerClosed) {
            throw new IOException("pipe broken: the reading end was closed");
          }
        }
        if (readerClosed && data != END) {
          throw new IOException("pipe broken: the reading end was closed");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing to the pipe");
      }
    }
  }

  private final class Input extends InputStream {
    private byte[] current;
    private int position;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!next()) {
        return -1;
      }
      int n = Math.min(len, current.length - position);
      System.arraycopy(current, position, b, off, n);
      position += n;
      return n;
    }

    @Override
    public int available() {
      return current == null ? 0 : current.length - position;
    }

    /** Whether a chunk with unread bytes is at hand, waiting for one if need be. */
    private boolean next() throws IOException {
      if (readerClosed) {
        throw new IOException("pipe closed by its reader");
      }
      while (!ended && (current == null || position == current.length)) {
        if (current != null && current.length == chunkBytes) {
          free.offer(current);
          current = null;
        }
        try {
          byte[] taken = queue.take();
          if (taken == END) {
            ended = true;
          } else {
            current = taken;
            position = 0;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading from the pipe");
        }
      }
      return !ended;
    }

    @Override
    public void close() {
      readerClosed = true;
      queue.clear(); // frees the chunks and unblocks a writer waiting for room
    }
  }
}
