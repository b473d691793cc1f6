package dev.lifeboat.backup.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedPipeTest {

  @Test
  void carriesEveryByteInOrderBetweenThreads() throws Exception {
    byte[] data = new byte[5 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    BoundedPipe pipe = new BoundedPipe(4, 64 * 1024);
    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = pipe.input()) {
                return in.readAllBytes();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    try (OutputStream out = pipe.output()) {
      Random sizes = new Random(3);
      for (int off = 0; off < data.length; ) {
        int n = Math.min(data.length - off, 1 + sizes.nextInt(200_000));
        out.write(data, off, n);
        off += n;
      }
    }
    assertArrayEquals(data, read.get(30, TimeUnit.SECONDS));
  }

  @Test
  void flushHandsOverWhatIsWrittenWithoutWaitingForAFullChunk() throws Exception {
    BoundedPipe pipe = new BoundedPipe(2, 1024 * 1024);
    pipe.output().write(new byte[] {1, 2, 3});
    pipe.output().flush();
    byte[] got = new byte[8];
    assertEquals(3, pipe.input().read(got, 0, 8));
    assertEquals(3, got[2]);
  }

  @Test
  void aClosedReadingEndFailsTheWriterInsteadOfBlockingIt() throws Exception {
    BoundedPipe pipe = new BoundedPipe(1, 16);
    pipe.input().close();
    OutputStream out = pipe.output();
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              for (int i = 0; i < 100; i++) {
                out.write(new byte[16]);
              }
            });
    assertTrue(e.getMessage().contains("broken"), e.getMessage());
  }

  @Test
  void anEmptyPipeClosedByItsWriterReadsAsEnd() throws Exception {
    BoundedPipe pipe = new BoundedPipe(1, 16);
    pipe.output().close();
    assertEquals(-1, pipe.input().read());
  }
}
