package dev.lifeboat.bench.lifeboat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of a Linux process, from {@code /proc/<pid>/status}. */
public final class ProcessMemory {
  private final Path proc;

  public ProcessMemory(long pid) {
    this.proc = Path.of("/proc", Long.toString(pid));
  }

  /** VmRSS: resident now. */
  public long residentBytes() {
    return statusKilobytes("VmRSS:") * 1024;
  }

  /** VmHWM: the most ever resident, since start or the last {@link #resetPeak()}. */
  public long peakResidentBytes() {
    return statusKilobytes("VmHWM:") * 1024;
  }

  /**
   * Lowers VmHWM to the current RSS (Linux 4.0+), so that the next reading is the peak of what
   * happens from now on, not of everything before it. False where the kernel does not allow it.
   */
  public boolean resetPeak() {
    try {
      Files.writeString(proc.resolve("clear_refs"), "5");
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private long statusKilobytes(String field) {
    try {
      return Files.readAllLines(proc.resolve("status")).stream()
          .filter(line -> line.startsWith(field))
          .map(line -> line.substring(field.length()).replace("kB", "").trim())
          .mapToLong(Long::parseLong)
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + field + " in " + proc));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + proc.resolve("status"), e);
    }
  }
}
