package io.testbed.inference;

import io.testbed.protocol.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's on-disk cache of built zoo graphs, shared by every process: each (model, precision) graph, INT8
 * calibration included, is built once per host and code version instead of once per agent process.
 *
 * <p>An entry is keyed by model, precision and a digest of the code that builds graphs (the class files of this
 * package and its {@code graph} package, plus the ONNX Runtime version that calibrates INT8), so a changed builder
 * never reads a stale graph. Entries are written to a temporary file and renamed into place, carry a CRC-32C of
 * their bytes (a corrupt or truncated entry is logged, ignored and rebuilt) and are built under a lock file, so
 * processes starting together build each graph once and the others wait and read it. A cache that cannot be written
 * (read-only folder) logs once and the graphs are simply built in memory.
 *
 * <p>Where: {@code -Dtestbed.model-cache=DIR}, else the {@code TESTBED_MODEL_CACHE} environment variable, else
 * {@code $XDG_CACHE_HOME/testbed/models} or {@code ~/.cache/testbed/models}; the value {@code off} disables it.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  /** System property naming the cache folder ({@code off} = no cache). */
  public static final String PROPERTY = "testbed.model-cache";
  /** Environment variable naming the cache folder, read when the property is not set. */
  public static final String ENV = "TESTBED_MODEL_CACHE";
  private static final byte[] MAGIC = {'T', 'B', 'M', 'C', '1', '\n'};
  private static final int HEADER = MAGIC.length + Long.BYTES + Integer.BYTES;
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  private static volatile String codeDigest;

  private final Path dir;
  private final AtomicInteger hits = new AtomicInteger();
  private final AtomicInteger builds = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();
  private volatile boolean writable = true;

  private ModelCache(Path dir) { this.dir = dir; }

  /** A cache in {@code dir} (created on first write). */
  public static ModelCache at(Path dir) {
    if (dir == null) throw new IllegalArgumentException("dir is required");
    return new ModelCache(dir.toAbsolutePath().normalize());
  }

  /** No cache: every graph is built in memory. */
  public static ModelCache none() { return new ModelCache(null); }

  /** The cache this process is configured for (property, environment, then the user's cache folder). */
  public static ModelCache fromEnvironment() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) v = System.getenv(ENV);
    if (v == null || v.isBlank()) {
      String xdg = System.getenv("XDG_CACHE_HOME");
      Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
      return at(base.resolve("testbed").resolve("models"));
    }
    return v.trim().equalsIgnoreCase("off") ? none() : at(Path.of(v.trim()));
  }

  /** The folder, or {@code null} when off. */
  public Path dir() { return dir; }

  public boolean enabled() { return dir != null; }

  /** Entries read from disk by this instance. */
  public int hits() { return hits.get(); }

  /** Graphs this instance built (absent, corrupt or uncached). */
  public int builds() { return builds.get(); }

  /** Entries found corrupt and rebuilt. */
  public int rejected() { return rejected.get(); }

  /** The entry's file for (model, precision) under the current code digest. */
  Path entry(String model, Precision p) {
    if (dir == null) throw new IllegalStateException("model cache is off");
    return dir.resolve(model + "-" + p.wireName() + "-" + codeDigest() + ".onnx");
  }

  /**
   * The cached graph bytes of (model, precision), or {@code builder}'s, stored for the next process. Processes
   * asking at once: one builds, the others wait on the entry's lock file and read what it wrote.
   */
  byte[] getOrBuild(String model, Precision p, Supplier<byte[]> builder) {
    if (dir == null || !writable) return built(builder);
    Path file = entry(model, p);
    byte[] cached = read(file, true);
    if (cached != null) return cached;
    ReentrantLock local = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
    local.lock();
    try {
      Files.createDirectories(dir);
      try (FileChannel ch = FileChannel.open(dir.resolve(file.getFileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        cached = read(file, false); // built by another process while we waited
        if (cached != null) return cached;
        byte[] bytes = built(builder);
        write(file, bytes);
        return bytes;
      }
    } catch (IOException e) {
      writable = false;
      LOG.warn("model cache {} is not usable ({}); building models in memory in this process", dir, e.toString());
      return built(builder);
    } finally {
      local.unlock();
    }
  }

  private byte[] built(Supplier<byte[]> builder) {
    byte[] b = builder.get();
    builds.incrementAndGet();
    return b;
  }

  /** The entry's bytes, or {@code null} when absent or corrupt (corrupt: logged and counted unless {@code quiet}). */
  private byte[] read(Path file, boolean quiet) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      if (quiet) return null;
      LOG.warn("model cache entry {} unreadable ({}); rebuilding it", file, e.toString());
      rejected.incrementAndGet();
      return null;
    }
    String problem = check(all);
    if (problem != null) {
      if (quiet) return null;
      LOG.warn("model cache entry {} is corrupt ({}); rebuilding it", file, problem);
      rejected.incrementAndGet();
      return null;
    }
    hits.incrementAndGet();
    byte[] payload = new byte[all.length - HEADER];
    System.arraycopy(all, HEADER, payload, 0, payload.length);
    return payload;
  }

  /** Why {@code all} is not a valid entry, or {@code null}. */
  static String check(byte[] all) {
    if (all.length < HEADER) return "shorter than its header (" + all.length + " bytes)";
    for (int i = 0; i < MAGIC.length; i++) if (all[i] != MAGIC[i]) return "not a model cache entry (bad magic)";
    ByteBuffer h = ByteBuffer.wrap(all, MAGIC.length, Long.BYTES + Integer.BYTES);
    long length = h.getLong();
    int crc = h.getInt();
    if (length != all.length - HEADER) return "payload is " + (all.length - HEADER) + " bytes, header says " + length + " (truncated?)";
    CRC32C c = new CRC32C();
    c.update(all, HEADER, all.length - HEADER);
    if ((int) c.getValue() != crc) return "CRC-32C mismatch";
    return null;
  }

  private void write(Path file, byte[] payload) throws IOException {
    CRC32C c = new CRC32C();
    c.update(payload);
    ByteBuffer h = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(payload.length).putInt((int) c.getValue());
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(new ByteBuffer[] {h.flip(), ByteBuffer.wrap(payload)});
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * 16 hex digits of SHA-256 over the ONNX Runtime version and the class files of this package and its
   * {@code graph} package (not {@code rec}): what decides the bytes of a built graph.
   */
  static String codeDigest() {
    String d = codeDigest;
    if (d == null) {
      d = computeCodeDigest();
      codeDigest = d;
    }
    return d;
  }

  private static String computeCodeDigest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(InferenceEngine.onnxRuntimeVersion().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (Map.Entry<String, byte[]> e : builderClasses().entrySet()) {
        sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(e.getValue());
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException | IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot digest the model builder's classes: " + e, e);
    }
  }

  private static final String PKG = "io/testbed/inference/";

  private static boolean builderClass(String name) {
    if (!name.startsWith(PKG) || !name.endsWith(".class")) return false;
    String rest = name.substring(PKG.length());
    return !rest.contains("/") || rest.startsWith("graph/") && rest.indexOf('/', "graph/".length()) < 0;
  }

  /** Class files (path inside the code source -> bytes) that decide how graphs are built, sorted by path. */
  private static Map<String, byte[]> builderClasses() throws IOException, URISyntaxException {
    CodeSource src = ModelCache.class.getProtectionDomain().getCodeSource();
    if (src == null) throw new IOException("no code source for " + ModelCache.class.getName());
    Path root = Path.of(src.getLocation().toURI());
    Map<String, byte[]> classes = new TreeMap<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root.resolve(PKG))) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          String name = root.relativize(f).toString().replace('\\', '/');
          if (builderClass(name)) classes.put(name, Files.readAllBytes(f));
        }
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
          if (!builderClass(e.getName())) continue;
          try (InputStream in = jar.getInputStream(e)) {
            classes.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    if (classes.isEmpty()) throw new IOException("no model builder classes found under " + root);
    return classes;
  }

  @Override
  public String toString() { return dir == null ? "ModelCache[off]" : "ModelCache[" + dir + "]"; }
}
