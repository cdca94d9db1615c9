// java.util.zip on whatever zlib the JVM's libzip.so loads (test/real/java.sh
// runs it with libnxz.so preloaded). Every stream is checked here (round trip,
// bytes compared) and also written to OUTDIR with a line in OUTDIR/manifest
// so that the script can decode it with the system zlib, without the preload:
//   <format> <compressed file> <original file> [<dictionary file>]
// format: zlib, raw or gzip.
//   java NxzCheck OUTDIR FILE...
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Adler32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

public final class NxzCheck {
  private static int failures = 0;
  private static int checks = 0;
  private static Path out;
  private static PrintWriter manifest;
  private static int serial = 0;

  private static void check(boolean ok, String what) {
    checks++;
    if (!ok) {
      failures++;
      System.err.println("FAIL: " + what);
    }
  }

  private static void same(byte[] got, byte[] want, String what) {
    if (Arrays.equals(got, want)) {
      checks++;
      return;
    }
    int i = 0;
    int n = Math.min(got.length, want.length);
    while (i < n && got[i] == want[i]) i++;
    check(false, what + ": " + got.length + " bytes, expected " + want.length
        + ", first difference at " + i);
  }

  // Writes a stream and its original for the script's system-zlib check.
  private static void record(String format, String name, byte[] comp, byte[] orig, byte[] dict)
      throws IOException {
    String base = String.format("%03d-%s", serial++, name.replaceAll("[^A-Za-z0-9._-]", "_"));
    Path c = out.resolve(base + "." + format);
    Path o = out.resolve(base + ".orig");
    Files.write(c, comp);
    Files.write(o, orig);
    String line = format + " " + c + " " + o;
    if (dict != null) {
      Path d = out.resolve(base + ".dict");
      Files.write(d, dict);
      line += " " + d;
    }
    manifest.println(line);
  }

  // Inflates in pieces of random sizes (input and output); answers the
  // dictionary when asked; checks that nothing is left over.
  private static byte[] inflateAll(byte[] comp, boolean nowrap, byte[] dict, Random r, String what)
      throws DataFormatException {
    Inflater inf = new Inflater(nowrap);
    if (nowrap && dict != null) inf.setDictionary(dict);
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    byte[] buf = new byte[1 + r.nextInt(70000)];
    int pos = 0;
    boolean askedForDictionary = false;
    int stalls = 0;
    while (!inf.finished()) {
      if (inf.needsInput() && pos < comp.length) {
        int n = Math.min(comp.length - pos, 1 + r.nextInt(r.nextBoolean() ? 50 : 100000));
        inf.setInput(comp, pos, n);
        pos += n;
      }
      // zlib may have taken all the input and still hold output: inflate
      // again before asking for more (as InflaterInputStream does).
      int got = inf.inflate(buf, 0, 1 + r.nextInt(buf.length));
      res.write(buf, 0, got);
      if (got > 0) {
        stalls = 0;
        continue;
      }
      if (inf.needsDictionary()) {
        check(dict != null && !nowrap, what + ": needsDictionary without a dictionary");
        if (dict == null) break;
        Adler32 a = new Adler32();
        a.update(dict);
        check(inf.getAdler() == (int) a.getValue(),
            what + ": the inflater asks for the wrong dictionary id");
        inf.setDictionary(dict);
        askedForDictionary = true;
        continue;
      }
      if (inf.needsInput() && pos >= comp.length && !inf.finished()) {
        check(false, what + ": inflater wants input past the end of the stream");
        break;
      }
      if (!inf.needsInput() && !inf.finished() && ++stalls >= 1000) {
        check(false, what + ": inflater makes no progress");
        break;
      }
    }
    check(inf.finished(), what + ": inflater not finished");
    check(pos == comp.length && inf.getRemaining() == 0,
        what + ": " + (comp.length - pos + inf.getRemaining()) + " bytes left over");
    if (dict != null && !nowrap) check(askedForDictionary, what + ": needsDictionary never set");
    inf.end();
    return res.toByteArray();
  }

  // Drains a deflater with the given flush mode into res; small output
  // buffers sometimes, so that output waits in the stream.
  private static void drain(Deflater d, int flush, ByteArrayOutputStream res, Random r) {
    // zlib: more than 6 bytes of room for a flush, or its marker repeats.
    int small = flush == Deflater.NO_FLUSH ? 1 : 7;
    byte[] buf = new byte[r.nextInt(4) == 0 ? small + r.nextInt(40) : small + r.nextInt(70000)];
    if (flush == Deflater.NO_FLUSH) {
      while (!d.needsInput()) {
        int n = d.deflate(buf, 0, buf.length, Deflater.NO_FLUSH);
        res.write(buf, 0, n);
      }
      return;
    }
    int n;
    do {
      n = d.deflate(buf, 0, buf.length, flush);
      res.write(buf, 0, n);
      // Input not taken (a setLevel/setStrategy pending takes the call):
      // call again, or the next setInput would drop it.
    } while (n == buf.length || !d.needsInput());
  }

  private static void finish(Deflater d, ByteArrayOutputStream res, Random r) {
    d.finish();
    byte[] buf = new byte[1 + r.nextInt(70000)];
    while (!d.finished()) {
      int n = d.deflate(buf);
      res.write(buf, 0, n);
    }
  }

  // NO_FLUSH, pieces of random sizes.
  private static void plain(String name, byte[] data, int level, boolean nowrap, Random r)
      throws Exception {
    String what = name + " level " + level + (nowrap ? " raw" : " zlib") + " NO_FLUSH";
    Deflater d = new Deflater(level, nowrap);
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < data.length) {
      int n = Math.min(data.length - pos, 1 + r.nextInt(200000));
      d.setInput(data, pos, n);
      pos += n;
      drain(d, Deflater.NO_FLUSH, res, r);
    }
    finish(d, res, r);
    check(d.getBytesRead() == data.length, what + ": getBytesRead " + d.getBytesRead());
    check(d.getBytesWritten() == res.size(), what + ": getBytesWritten " + d.getBytesWritten());
    if (!nowrap) {
      Adler32 a = new Adler32();
      a.update(data);
      check(d.getAdler() == (int) a.getValue(), what + ": getAdler");
    }
    d.end();
    byte[] comp = res.toByteArray();
    same(inflateAll(comp, nowrap, null, r, what), data, what);
    record(nowrap ? "raw" : "zlib", name + "-l" + level, comp, data, null);
  }

  // SYNC_FLUSH or FULL_FLUSH after every piece: the bytes so far must inflate
  // to all the input so far. After a FULL_FLUSH of a raw stream a new
  // inflater must decode the rest on its own.
  private static void flushed(String name, byte[] data, int flush, boolean nowrap, Random r)
      throws Exception {
    String what = name + (flush == Deflater.SYNC_FLUSH ? " SYNC_FLUSH" : " FULL_FLUSH")
        + (nowrap ? " raw" : " zlib");
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, nowrap);
    Inflater live = new Inflater(nowrap);
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
    byte[] buf = new byte[65536];
    List<int[]> restarts = new ArrayList<>();  // {compressed offset, data offset}
    int pos = 0;
    while (pos < data.length) {
      int n = Math.min(data.length - pos, 1 + r.nextInt(r.nextBoolean() ? 300 : 150000));
      d.setInput(data, pos, n);
      pos += n;
      int before = res.size();
      drain(d, flush, res, r);
      byte[] all = res.toByteArray();
      check(all.length - before >= 4 && all[all.length - 4] == 0 && all[all.length - 3] == 0
          && all[all.length - 2] == (byte) 0xff && all[all.length - 1] == (byte) 0xff,
          what + ": flush does not end with an empty stored block");
      live.setInput(all, before, all.length - before);
      for (int idle = 0; ; ) {
        int got = live.inflate(buf);
        decoded.write(buf, 0, got);
        if (got < buf.length && (live.needsInput() || live.finished())) break;
        idle = got == 0 ? idle + 1 : 0;
        if (idle > 100) {
          check(false, what + ": live inflater makes no progress");
          break;
        }
      }
      if (decoded.size() != pos) {
        check(false, what + ": after a flush at " + pos + " the inflater has " + decoded.size());
        break;
      }
      if (flush == Deflater.FULL_FLUSH && pos < data.length) restarts.add(new int[] {all.length, pos});
    }
    finish(d, res, r);
    d.end();
    byte[] comp = res.toByteArray();
    live.setInput(comp, (int) live.getBytesRead(), comp.length - (int) live.getBytesRead());
    int got;
    while (!live.finished() && (got = live.inflate(buf)) >= 0) {
      decoded.write(buf, 0, got);
      if (got == 0 && live.needsInput()) break;
    }
    check(live.finished(), what + ": live inflater not finished");
    live.end();
    same(decoded.toByteArray(), data, what + " (inflated piece by piece)");
    same(inflateAll(comp, nowrap, null, r, what), data, what);
    if (nowrap && !restarts.isEmpty()) {
      for (int k = 0; k < 3; k++) {
        int[] at = restarts.get(r.nextInt(restarts.size()));
        byte[] tail = Arrays.copyOfRange(comp, at[0], comp.length);
        same(inflateAll(tail, true, null, r, what + " from " + at[0]),
            Arrays.copyOfRange(data, at[1], data.length), what + " restarted at a full flush");
      }
    }
    record(nowrap ? "raw" : "zlib", name + (flush == Deflater.SYNC_FLUSH ? "-sync" : "-full"), comp,
        data, null);
  }

  // setLevel and setStrategy changed between pieces (0 and HUFFMAN_ONLY
  // among them), with and without a flush at the change.
  private static void params(String name, byte[] data, boolean nowrap, Random r) throws Exception {
    String what = name + " setLevel/setStrategy" + (nowrap ? " raw" : " zlib");
    int[] levels = {1, 9, 0, 6, Deflater.DEFAULT_COMPRESSION, 3, 0, 9};
    int[] strategies = {Deflater.DEFAULT_STRATEGY, Deflater.FILTERED, Deflater.HUFFMAN_ONLY};
    Deflater d = new Deflater(6, nowrap);
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    int pos = 0;
    int step = 0;
    while (pos < data.length) {
      int n = Math.min(data.length - pos, 1 + r.nextInt(120000));
      d.setInput(data, pos, n);
      pos += n;
      drain(d, r.nextInt(3) == 0 ? Deflater.SYNC_FLUSH : Deflater.NO_FLUSH, res, r);
      if (r.nextBoolean()) d.setLevel(levels[step++ % levels.length]);
      else d.setStrategy(strategies[r.nextInt(strategies.length)]);
    }
    finish(d, res, r);
    d.end();
    byte[] comp = res.toByteArray();
    same(inflateAll(comp, nowrap, null, r, what), data, what);
    record(nowrap ? "raw" : "zlib", name + "-params", comp, data, null);
  }

  // A preset dictionary: the zlib inflater reports needsDictionary and its
  // id; a raw inflater is given it first.
  private static void dictionary(String name, byte[] data, byte[] dict, boolean nowrap, Random r)
      throws Exception {
    String what = name + " setDictionary" + (nowrap ? " raw" : " zlib");
    Deflater d = new Deflater(r.nextInt(9) + 1, nowrap);
    d.setDictionary(dict);
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < data.length) {
      int n = Math.min(data.length - pos, 1 + r.nextInt(90000));
      d.setInput(data, pos, n);
      pos += n;
      drain(d, Deflater.NO_FLUSH, res, r);
    }
    finish(d, res, r);
    d.end();
    byte[] comp = res.toByteArray();
    same(inflateAll(comp, nowrap, dict, r, what), data, what);
    if (!nowrap) {
      // Without the dictionary it must stop and ask, not produce bytes.
      Inflater inf = new Inflater();
      inf.setInput(comp);
      int got = inf.inflate(new byte[1024]);
      check(got == 0 && inf.needsDictionary(), what + ": no needsDictionary without it");
      inf.end();
    }
    record(nowrap ? "raw" : "zlib", name + "-dict", comp, data, dict);
  }

  private static byte[] readAll(InputStream in, Random r) throws IOException {
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    byte[] buf = new byte[1 + r.nextInt(40000)];
    int n;
    while ((n = in.read(buf, 0, 1 + r.nextInt(buf.length))) >= 0) res.write(buf, 0, n);
    return res.toByteArray();
  }

  // GZIPOutputStream (with syncFlush on for some), GZIPInputStream on one
  // member and on two concatenated members.
  private static void gzip(String name, byte[] data, Random r) throws Exception {
    String what = name + " GZIP streams";
    ByteArrayOutputStream res = new ByteArrayOutputStream();
    boolean sync = r.nextBoolean();
    try (GZIPOutputStream g = new GZIPOutputStream(res, 1 + r.nextInt(65536), sync)) {
      int pos = 0;
      while (pos < data.length) {
        int n = Math.min(data.length - pos, 1 + r.nextInt(100000));
        g.write(data, pos, n);
        pos += n;
        if (r.nextInt(4) == 0) g.flush();
      }
    }
    byte[] comp = res.toByteArray();
    same(readAll(new GZIPInputStream(new ByteArrayInputStream(comp), 1 + r.nextInt(65536)), r),
        data, what);
    byte[] two = new byte[comp.length * 2];
    System.arraycopy(comp, 0, two, 0, comp.length);
    System.arraycopy(comp, 0, two, comp.length, comp.length);
    byte[] twice = new byte[data.length * 2];
    System.arraycopy(data, 0, twice, 0, data.length);
    System.arraycopy(data, 0, twice, data.length, data.length);
    same(readAll(new GZIPInputStream(new ByteArrayInputStream(two)), r), twice,
        what + " (two members)");
    CRC32 crc = new CRC32();
    crc.update(data);
    int trailer = (comp[comp.length - 8] & 0xff) | (comp[comp.length - 7] & 0xff) << 8
        | (comp[comp.length - 6] & 0xff) << 16 | (comp[comp.length - 5] & 0xff) << 24;
    check(trailer == (int) crc.getValue(), what + ": CRC-32 in the trailer");
    record("gzip", name + "-gz", comp, data, null);
  }

  // A .gz made by the system's gzip (the script) read with GZIPInputStream.
  private static void foreignGzip(Path gz, Path orig, Random r) throws Exception {
    byte[] got = readAll(new GZIPInputStream(Files.newInputStream(gz)), r);
    same(got, Files.readAllBytes(orig), "GZIPInputStream of " + gz);
  }

  public static void main(String[] args) throws Exception {
    out = Paths.get(args[0]);
    manifest = new PrintWriter(Files.newBufferedWriter(out.resolve("manifest")));
    Random r = new Random(20261203);
    List<String> names = new ArrayList<>();
    List<byte[]> inputs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--gz")) {  // --gz FILE.gz ORIGINAL
        foreignGzip(Paths.get(args[i + 1]), Paths.get(args[i + 2]), r);
        i += 2;
        continue;
      }
      names.add(Paths.get(args[i]).getFileName().toString());
      inputs.add(Files.readAllBytes(Paths.get(args[i])));
    }
    byte[] noise = new byte[300000];
    r.nextBytes(noise);
    names.add("random");
    inputs.add(noise);
    names.add("zeros");
    inputs.add(new byte[1 << 20]);
    names.add("empty");
    inputs.add(new byte[0]);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 400000; i++) sb.append("line ").append(i % 977).append(" of nxz\n");
    names.add("lines");
    inputs.add(sb.toString().getBytes(StandardCharsets.US_ASCII));
    byte[] dict = Arrays.copyOfRange(inputs.get(inputs.size() - 1), 1000, 1000 + 32768);

    for (int i = 0; i < inputs.size(); i++) {
      String name = names.get(i);
      byte[] data = inputs.get(i);
      for (int level : new int[] {1, 6, 9}) plain(name, data, level, false, r);
      plain(name, data, Deflater.DEFAULT_COMPRESSION, true, r);
      plain(name, data, 0, false, r);
      flushed(name, data, Deflater.SYNC_FLUSH, false, r);
      flushed(name, data, Deflater.FULL_FLUSH, true, r);
      flushed(name, data, Deflater.SYNC_FLUSH, true, r);
      params(name, data, false, r);
      params(name, data, true, r);
      dictionary(name, data, dict, false, r);
      byte[] own = data.length > 0 ? Arrays.copyOf(data, Math.min(data.length, 20000)) : dict;
      dictionary(name, data, own, true, r);
      gzip(name, data, r);
    }
    manifest.close();
    System.out.println(inputs.size() + " inputs, " + checks + " checks, " + failures + " failures");
    System.exit(failures == 0 ? 0 : 1);
  }
}
