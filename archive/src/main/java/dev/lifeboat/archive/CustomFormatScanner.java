package dev.lifeboat.archive;

import dev.lifeboat.common.databases.TableName;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Copies an uncompressed pg_dump custom-format archive ({@code --format=custom --compress=0})
 * through and counts the rows of every table on the way: each table's data crosses the stream as
 * COPY text, where a row ends with a newline and newlines inside values are escaped. The counts
 * therefore describe exactly what the archive holds, without scanning any table a second time.
 *
 * <p>On the way it also joins each table's data into chunks of up to 256 KiB, unless the table of
 * contents gives the data's positions (pg_dump writing to a file). pg_dump {@code -Z0} writes one
 * length-prefixed chunk per row; the length words (5 bytes a row, varying) cost more after
 * compression than anything else in the archive's framing. pg_restore reads chunks of any length
 * and passes COPY data on unchanged whatever its chunking, so the archive it restores, and the SQL
 * it renders, are the same.
 *
 * <p>It reads archive versions 1.12 to 1.16 (pg_dump 9.0 to 17). Given anything else, it still
 * copies every byte and reports no counts, so the caller can count another way.
 */
public final class CustomFormatScanner {
  private static final int MIN_MINOR = 12;
  private static final int MAX_MINOR = 16;
  private static final int BLOCK_DATA = 1;
  private static final int BLOCK_BLOBS = 3;
  private static final int FORMAT_CUSTOM = 1;
  private static final int OFFSET_SET = 2;
  private static final int BUFFER = 256 * 1024;

  private final InputStream in;
  private final OutputStream out;
  private final byte[] buffer = new byte[BUFFER];

  /** A chunk's length word, as read. */
  private final byte[] word = new byte[9];

  /** Reading the TOC only: any compression will do, and the columns of each table are kept. */
  private final boolean tocOnly;

  private final Map<TableName, List<String>> columns = new LinkedHashMap<>();
  private int minor;
  private int intSize;
  private int offSize;
  private boolean offsetsInToc;

  private CustomFormatScanner(InputStream in, OutputStream out, boolean tocOnly) {
    this.in = in;
    this.out = out;
    this.tocOnly = tocOnly;
  }

  /**
   * Copies all of {@code in} to {@code out}. Returns every table's row count in archive order, or
   * empty when the archive's layout is not one this scanner reads (all bytes are copied anyway).
   */
  public static Optional<Map<TableName, Long>> copy(InputStream in, OutputStream out)
      throws IOException {
    return new CustomFormatScanner(in, out, false).scan();
  }

  /**
   * The columns of every table whose data the archive holds, in archive order, as its COPY
   * statements name them (generated columns, which COPY leaves out, are not among them). Reads only
   * the header and the table of contents at the start of {@code plain} (a pg_dump custom-format
   * stream, compressed inside or not) and leaves the rest unread. Empty when the layout is not one
   * this scanner reads.
   */
  public static Optional<Map<TableName, List<String>>> columns(InputStream plain)
      throws IOException {
    var scanner = new CustomFormatScanner(plain, OutputStream.nullOutputStream(), true);
    try {
      scanner.readHeader();
      scanner.readToc();
    } catch (UnknownLayout e) {
      return Optional.empty();
    }
    return Optional.of(scanner.columns);
  }

  private Optional<Map<TableName, Long>> scan() throws IOException {
    Map<Integer, TableName> tableData;
    try {
      readHeader();
      tableData = readToc();
    } catch (UnknownLayout e) {
      copyRest();
      return Optional.empty();
    }
    Map<TableName, Long> rows = new LinkedHashMap<>();
    tableData.values().forEach(table -> rows.put(table, 0L));
    try {
      readBlocks(tableData, rows);
    } catch (UnknownLayout e) {
      copyRest();
      return Optional.empty();
    }
    return Optional.of(rows);
  }

  private void readHeader() throws IOException, UnknownLayout {
    byte[] magic = readBytes(5);
    if (!"PGDMP".equals(new String(magic, StandardCharsets.US_ASCII))) {
      throw new UnknownLayout();
    }
    int major = readByte();
    minor = readByte();
    readByte(); // revision
    if (major != 1 || minor < MIN_MINOR || minor > MAX_MINOR) {
      throw new UnknownLayout();
    }
    intSize = readByte();
    offSize = readByte();
    // Joined chunks of up to 256 KiB need a length word of at least 4 bytes (pg_dump's are).
    if (intSize < 4 || intSize > 8 || offSize < 1 || offSize > 8 || readByte() != FORMAT_CUSTOM) {
      throw new UnknownLayout();
    }
    // Compressed chunks cannot be counted: the dump must be --compress=0.
    int compression = minor >= 15 ? readByte() : (int) readInt();
    if (compression != 0 && !tocOnly) {
      throw new UnknownLayout();
    }
    for (int i = 0; i < 7; i++) {
      readInt(); // creation time: sec, min, hour, day, month, year, isdst
    }
    readString(); // database name
    readString(); // server version
    readString(); // pg_dump version
  }

  /** The TOC; returns the dump ids of TABLE DATA entries and the tables they fill. */
  private Map<Integer, TableName> readToc() throws IOException, UnknownLayout {
    long entries = readInt();
    if (entries < 0) {
      throw new UnknownLayout();
    }
    Map<Integer, TableName> tableData = new HashMap<>();
    for (long i = 0; i < entries; i++) {
      int dumpId = (int) readInt();
      readInt(); // had dumper
      readString(); // table oid
      readString(); // oid
      String tag = readString();
      String desc = readString();
      readInt(); // section
      readString(); // definition
      readString(); // drop statement
      String copyStatement = readString();
      String namespace = readString();
      readString(); // tablespace
      if (minor >= 14) {
        readString(); // table access method
      }
      if (minor >= 16) {
        readInt(); // relkind
      }
      readString(); // owner
      readString(); // "with oids", long unsupported
      while (readString() != null) {
        // dependencies
      }
      // Data offset: a state flag, then the position. pg_dump fills positions in only when it
      // writes to a file it can seek in, never to a pipe; chunks joined would move the data.
      offsetsInToc |= readBytes(1 + offSize)[0] == OFFSET_SET;
      if ("TABLE DATA".equals(desc)) {
        tableData.put(dumpId, new TableName(namespace, tag));
        if (tocOnly) {
          columns.put(new TableName(namespace, tag), copyColumns(copyStatement));
        }
      }
    }
    return tableData;
  }

  /**
   * The column list of {@code COPY schema.table (a, "B c") FROM stdin;}: pg_dump quotes every name
   * that is not a plain lower-case identifier, so names are either quoted or made of {@code
   * [a-z0-9_$]}.
   */
  static List<String> copyColumns(String copyStatement) {
    List<String> names = new ArrayList<>();
    if (copyStatement == null || !copyStatement.startsWith("COPY ")) {
      return names;
    }
    String s = copyStatement;
    int i = "COPY ".length();
    // The qualified table name: identifiers joined by dots.
    while (i < s.length()) {
      i = s.charAt(i) == '"' ? endOfQuoted(s, i) : endOfPlain(s, i);
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
      } else {
        break;
      }
    }
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    if (i >= s.length() || s.charAt(i) != '(') {
      return names;
    }
    i++;
    while (i < s.length()) {
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= s.length()) {
        break;
      }
      int start = i;
      if (s.charAt(i) == '"') {
        i = endOfQuoted(s, i);
        names.add(s.substring(start + 1, i - 1).replace("\"\"", "\""));
      } else {
        i = endOfPlain(s, i);
        names.add(s.substring(start, i));
      }
      while (i < s.length() && s.charAt(i) == ' ') {
        i++;
      }
      if (i >= s.length() || s.charAt(i) != ',') {
        break;
      }
      i++;
    }
    return names;
  }

  private static int endOfQuoted(String s, int open) {
    int i = open + 1;
    while (i < s.length()) {
      if (s.charAt(i) == '"') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return i;
  }

  private static int endOfPlain(String s, int start) {
    int i = start;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '$')) {
        break;
      }
      i++;
    }
    return i;
  }

  private void readBlocks(Map<Integer, TableName> tableData, Map<TableName, Long> rows)
      throws IOException, UnknownLayout {
    for (int type; (type = in.read()) >= 0; ) {
      out.write(type);
      int dumpId = (int) readInt();
      if (type == BLOCK_DATA) {
        TableName table = tableData.get(dumpId);
        if (table == null) {
          copyChunks(null);
        } else {
          RowCounter counter = new RowCounter();
          if (offsetsInToc) {
            copyChunks(counter);
          } else {
            joinChunks(counter);
          }
          rows.merge(table, counter.rows(), Long::sum);
        }
      } else if (type == BLOCK_BLOBS) {
        while (readInt() != 0) {
          copyChunks(null); // one large object
        }
      } else {
        throw new UnknownLayout();
      }
    }
  }

  /** Copies length-prefixed chunks up to the empty one as they are, through the counter if any. */
  private void copyChunks(RowCounter counter) throws IOException, UnknownLayout {
    for (long length; (length = readInt()) != 0; ) {
      if (length < 0) {
        throw new UnknownLayout();
      }
      while (length > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, length));
        if (n < 0) {
          throw new EOFException("the archive ends inside a data chunk");
        }
        out.write(buffer, 0, n);
        if (counter != null) {
          counter.accept(buffer, 0, n);
        }
        length -= n;
      }
    }
  }

  /**
   * Copies one table's data, length-prefixed chunks up to the empty one, as chunks of up to {@link
   * #BUFFER} bytes, counting its rows on the way.
   */
  private void joinChunks(RowCounter counter) throws IOException, UnknownLayout {
    int joined = 0;
    for (; ; ) {
      int read = in.readNBytes(word, 0, 1 + intSize);
      long length = read < 1 + intSize ? -1 : intValue(word);
      if (length <= 0) {
        // The end, or a layout this scanner does not know: either way, nothing may be lost.
        writeChunk(joined);
        out.write(word, 0, read);
        if (length == 0) {
          return;
        }
        if (read < 1 + intSize) {
          throw new EOFException("the archive ends inside a data chunk");
        }
        throw new UnknownLayout();
      }
      while (length > 0) {
        if (joined == buffer.length) {
          writeChunk(joined);
          joined = 0;
        }
        int n = in.read(buffer, joined, (int) Math.min(buffer.length - joined, length));
        if (n < 0) {
          writeChunk(joined);
          throw new EOFException("the archive ends inside a data chunk");
        }
        counter.accept(buffer, joined, n);
        joined += n;
        length -= n;
      }
    }
  }

  /** The first {@code length} bytes of the buffer as one chunk; nothing when empty. */
  private void writeChunk(int length) throws IOException {
    if (length == 0) {
      return;
    }
    byte[] lengthWord = new byte[1 + intSize];
    for (int i = 1, rest = length; i <= intSize; i++, rest >>>= 8) {
      lengthWord[i] = (byte) rest;
    }
    out.write(lengthWord);
    out.write(buffer, 0, length);
  }

  /**
   * Counts the rows of one table's COPY text: its lines, less COPY's end marker (a line {@code \.})
   * and the blank lines pg_dump writes after it. A value can never make a line {@code \.}: COPY
   * escapes its backslash.
   */
  static final class RowCounter {
    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private long lines;

    /** The line being read: whether it is so far exactly "\.", and how long it is (up to 3). */
    private int lineLength;

    private boolean lineIsMarker;
    private boolean markerSeen;
    private long linesAfterMarker;

    void accept(byte[] bytes, int length) {
      accept(bytes, 0, length);
    }

    void accept(byte[] bytes, int offset, int length) {
      int end = offset + length;
      for (int from = offset; from < end; ) {
        int newline = indexOfNewline(bytes, from, end);
        if (newline < 0) {
          extendLine(bytes, from, end);
          return;
        }
        extendLine(bytes, from, newline);
        endLine();
        from = newline + 1;
      }
    }

    /** Only a line's first three bytes tell whether it is the marker. */
    private void extendLine(byte[] bytes, int from, int to) {
      for (int i = from; i < to && lineLength < 3; i++) {
        byte b = bytes[i];
        lineIsMarker = lineLength == 0 ? b == '\\' : lineLength == 1 && lineIsMarker && b == '.';
        lineLength++;
      }
    }

    private void endLine() {
      lines++;
      if (markerSeen) {
        linesAfterMarker++;
      } else if (lineIsMarker && lineLength == 2) {
        markerSeen = true;
        linesAfterMarker = 1;
      }
      lineLength = 0;
      lineIsMarker = false;
    }

    /**
     * The first newline in {@code bytes[from, to)}, or -1. Eight bytes at a time: rows are hundreds
     * of bytes long, and this search is most of what counting them costs.
     */
    static int indexOfNewline(byte[] bytes, int from, int to) {
      int i = from;
      for (; i + Long.BYTES <= to; i += Long.BYTES) {
        // The classic "has a zero byte" test on the word XOR newlines: exact for the lowest
        // zero byte, which is the first in little-endian order.
        long x = (long) LONGS.get(bytes, i) ^ 0x0A0A_0A0A_0A0A_0A0AL;
        long zeros = (x - 0x0101_0101_0101_0101L) & ~x & 0x8080_8080_8080_8080L;
        if (zeros != 0) {
          return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
        }
      }
      for (; i < to; i++) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    long rows() {
      return markerSeen ? lines - linesAfterMarker : lines;
    }
  }

  private long readInt() throws IOException {
    return intValue(readBytes(1 + intSize));
  }

  /** pg_dump's integer: a sign byte, then {@link #intSize} bytes, least significant first. */
  private long intValue(byte[] bytes) {
    long value = 0;
    for (int i = intSize; i >= 1; i--) {
      value = (value << 8) | (bytes[i] & 0xff);
    }
    return bytes[0] != 0 ? -value : value;
  }

  private String readString() throws IOException {
    long length = readInt();
    if (length < 0) {
      return null;
    }
    return new String(readBytes((int) length), StandardCharsets.UTF_8);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("the archive ends inside its header");
    }
    out.write(b);
    return b;
  }

  private byte[] readBytes(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      out.write(bytes);
      throw new EOFException("the archive ends inside its header");
    }
    out.write(bytes);
    return bytes;
  }

  private void copyRest() throws IOException {
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
    }
  }

  /** The archive is not laid out as this scanner knows. */
  private static final class UnknownLayout extends Exception {
    private static final long serialVersionUID = 1L;

    UnknownLayout() {
      super(null, null, false, false);
    }
  }
}
