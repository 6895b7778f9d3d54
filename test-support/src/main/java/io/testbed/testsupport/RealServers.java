package io.testbed.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects a real {@link Mosquitto} and/or {@link Influxd} into test constructors and methods.
 * Each is started once per test class on first use (free ports, temp dirs) and stopped when the class finishes.
 */
public final class RealServers implements ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RealServers.class);

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext c) throws ParameterResolutionException {
    Class<?> t = p.getParameter().getType();
    return t == Mosquitto.class || t == Influxd.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext c) throws ParameterResolutionException {
    Class<?> t = p.getParameter().getType();
    ExtensionContext.Store store = classContext(c).getStore(NS);
    if (t == Mosquitto.class) return store.getOrComputeIfAbsent("mosquitto", k -> new Closing<>(Mosquitto.start()), Closing.class).server;
    return store.getOrComputeIfAbsent("influxd", k -> new Closing<>(Influxd.start()), Closing.class).server;
  }

  private static ExtensionContext classContext(ExtensionContext c) {
    ExtensionContext ctx = c;
    while (ctx.getTestMethod().isPresent() && ctx.getParent().isPresent()) ctx = ctx.getParent().get();
    return ctx;
  }

  /** Store values implementing CloseableResource are closed by JUnit when their context ends. */
  private static final class Closing<T extends AutoCloseable> implements ExtensionContext.Store.CloseableResource {
    final T server;

    Closing(T server) { this.server = server; }

    @Override
    public void close() throws Throwable { server.close(); }
  }
}
