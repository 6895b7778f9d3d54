package io.testbed.orchestrator.actor;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.testbed.orchestrator.Fixtures;
import io.testbed.orchestrator.model.DeviceView;
import io.testbed.orchestrator.model.JobRequest;
import io.testbed.orchestrator.model.JobStatus;
import io.testbed.orchestrator.model.JobSummary;
import io.testbed.orchestrator.model.JobView;
import io.testbed.protocol.DeviceStatus;
import io.testbed.protocol.ErrorReply;
import io.testbed.protocol.Heartbeat;
import io.testbed.protocol.Hello;
import io.testbed.protocol.InferenceCommand;
import io.testbed.protocol.InferenceResult;
import io.testbed.protocol.PowerSample;
import io.testbed.protocol.PowerSampleBatch;
import io.testbed.protocol.PowerSource;
import io.testbed.protocol.Precision;
import io.testbed.protocol.SchemaVersion;
import io.testbed.protocol.State;
import io.testbed.protocol.WireMessage;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonJsonSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every actor message (all records implementing {@link JsonSerializable}, public or private, found on the classpath)
 * round-trips through Pekko's Jackson serializer, so twins and jobs can later move across cluster nodes.
 */
class MessageSerializationTest {
  static final ActorTestKit testKit = ActorTestKit.create("serialization-test", ConfigFactory.load());
  static final SerializationTestKit serialization = testKit.serializationTestKit();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Every concrete message class of the orchestrator, found by scanning its classes. */
  static List<Class<?>> messageClasses() {
    List<Class<?>> out = new ArrayList<>();
    new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.testbed.orchestrator")
        .stream()
        .filter(c -> c.isAssignableTo(JsonSerializable.class) && !c.isInterface())
        .forEach(c -> out.add(c.reflect()));
    return out;
  }

  @Test
  void everyMessageRoundTripsThroughJackson() throws Exception {
    List<Class<?>> classes = messageClasses();
    assertThat(classes).as("message classes found").hasSizeGreaterThan(30);
    Set<String> checked = new LinkedHashSet<>();
    for (Class<?> c : classes) {
      assertThat(c.isRecord() || c.isEnum()).as(c.getName() + " is a record or enum").isTrue();
      Object message = sample(c);
      assertThat(SerializationExtension.get(testKit.system().classicSystem()).findSerializerFor(message))
          .as("serializer of " + c.getName()).isInstanceOf(JacksonJsonSerializer.class);
      serialization.verifySerialization(message, true);
      checked.add(c.getSimpleName());
    }
    assertThat(checked).contains("Deliver", "RunInference", "InferenceDone", "HelloReceived", "HeartbeatTick",
        "ReplyTimedOut", "Publish", "Received", "Submit", "Accepted", "JobFound", "DeviceView", "Devices",
        "InferenceAnswered", "WrappedView", "Lease", "Release", "Submit", "RunProgress", "RunEnded", "Subscribe", "Update",
        "ExperimentView", "DevicesForSubmit", "RunnerEnded", "DeviceLost", "Cancel", "Unresolvable", "InvalidSpec",
        "RunControl", "AckReceived", "ControlDone", "ControlTimedOut");
  }

  @Test
  void polymorphicEnvelopeKeepsTheTwinMessageType() {
    DeviceRegistry.Deliver d = new DeviceRegistry.Deliver("phone-1",
        new DeviceTwin.HeartbeatReceived(Fixtures.heartbeat("phone-1", 3)));
    Object back = serialization.verifySerialization(d, true);
    assertThat(((DeviceRegistry.Deliver) back).message()).isInstanceOf(DeviceTwin.HeartbeatReceived.class);
  }

  // --- sample values ------------------------------------------------------------------------------------------

  private final ActorRef<Object> ref = testKit.createTestProbe().ref();

  private Object sample(Type type) throws Exception {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      if (raw == List.class) return List.of(sample(p.getActualTypeArguments()[0]));
      if (raw == Map.class) return Map.of(sample(p.getActualTypeArguments()[0]), sample(p.getActualTypeArguments()[1]));
      if (raw == ActorRef.class) return ref;
      throw new IllegalArgumentException("no sample for " + type);
    }
    Class<?> c = (Class<?>) type;
    if (c == String.class) return "phone-1";
    if (c == int.class || c == Integer.class) return 2;
    if (c == long.class || c == Long.class) return 42L;
    if (c == double.class || c == Double.class) return 0.5;
    if (c == boolean.class || c == Boolean.class) return true;
    if (c == byte[].class) return new byte[] {1, 2, (byte) 0xff};
    if (c == ActorRef.class) return ref;
    if (com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(c)) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("runId", "r-1").put("n", 3);
    }
    if (c == Hello.class) return Fixtures.phoneHello("phone-1");
    if (c == Heartbeat.class) return Fixtures.heartbeat("phone-1", 1);
    if (c == State.class) return State.offline("phone-1", Fixtures.T0);
    if (c == InferenceResult.class || c == WireMessage.class) return result();
    if (c == io.testbed.protocol.ControlAck.class) {
      return new io.testbed.protocol.ControlAck(SchemaVersion.CURRENT, "phone-1", 1, "c-1", true, null,
          Map.of("cpuLevel", 0.5, "link", "cloud-1"));
    }
    if (c == ControlRequest.class) return ControlRequest.network("cloud-1", "wifi", -70.0, null, null, null, null);
    if (c == io.testbed.protocol.ClockEcho.class) {
      return io.testbed.protocol.ClockEcho.of(new io.testbed.protocol.ClockProbe(SchemaVersion.CURRENT, "phone-1", 10, "p-1"), 20, 21);
    }
    if (c == ErrorReply.class) return new ErrorReply(SchemaVersion.CURRENT, "phone-1", 1, "c-1", "busy", "busy now");
    if (c == PowerSampleBatch.class) {
      return new PowerSampleBatch(SchemaVersion.CURRENT, "phone-1", 5, "m-1", PowerSource.METERED, 10,
          List.of(new PowerSample(5, 2.5, 5.0, 0.5)));
    }
    if (c == DeviceView.class) return deviceView();
    if (c == JobView.class) {
      return new JobView("job-1", JobStatus.COMPLETED, jobRequest(), 1, 0, 1, JobSummary.of(List.of(result())), null, 1L, 2L,
          List.of(result()));
    }
    if (c == JobRequest.class) return jobRequest();
    if (c == DeviceTwin.Command.class) return new DeviceTwin.HelloReceived(Fixtures.phoneHello("phone-1"));
    if (c.isEnum()) return c.getEnumConstants()[c.getEnumConstants().length - 1];
    if (c.isSealed()) return sample(c.getPermittedSubclasses()[0]);
    if (c.isRecord()) {
      RecordComponent[] components = c.getRecordComponents();
      Object[] args = new Object[components.length];
      Class<?>[] types = new Class<?>[components.length];
      for (int i = 0; i < components.length; i++) {
        args[i] = sample(components[i].getGenericType());
        types[i] = components[i].getType();
      }
      Constructor<?> ctor = c.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(args);
    }
    throw new IllegalArgumentException("no sample for " + c);
  }

  static InferenceResult result() {
    InferenceCommand c = new InferenceCommand(SchemaVersion.CURRENT, "phone-1", 10, "c-1", "mobilenet", "cpu",
        Precision.FP32, 1, 1, null, null, null, 1000);
    return Fixtures.okResult(c, 3.5);
  }

  static JobRequest jobRequest() {
    return new JobRequest("phone-1", "mobilenet", "cpu", Precision.FP32, 3, 1, null, 2000, 1000L);
  }

  static DeviceView deviceView() {
    Hello h = Fixtures.phoneHello("phone-1");
    return new DeviceView("phone-1", h.kind(), h.profile(), DeviceStatus.ONLINE, 5, true, true, "http://x", h.targets(),
        h.models(), h.sensors(), h.software(), h.notes(), Fixtures.heartbeat("phone-1", 1), 7L, 1, 2, 3, "none", null);
  }
}
