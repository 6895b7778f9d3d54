package io.testbed.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** JSON encoding of {@link WireMessage}s. Decoding failures come back as {@link MalformedMessageException} naming the problem. */
public final class WireCodec {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer minor fields are ignored, not fatal
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private WireCodec() {}

  /** The mapper configured for wire messages; shared, thread-safe. */
  public static ObjectMapper mapper() { return MAPPER; }

  public static byte[] encode(WireMessage message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
    }
  }

  public static String encodeToString(WireMessage message) {
    return new String(encode(message), java.nio.charset.StandardCharsets.UTF_8);
  }

  public static WireMessage decode(byte[] payload) throws MalformedMessageException {
    return decode(payload, WireMessage.class);
  }

  /** Decodes and checks the message is of the expected type. */
  public static <T extends WireMessage> T decode(byte[] payload, Class<T> type) throws MalformedMessageException {
    if (payload == null || payload.length == 0) throw new MalformedMessageException("empty payload");
    try {
      WireMessage m = MAPPER.readValue(payload, WireMessage.class);
      if (!type.isInstance(m)) {
        throw new MalformedMessageException("expected " + type.getSimpleName() + " but got " + m.getClass().getSimpleName());
      }
      return type.cast(m);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new MalformedMessageException("invalid " + e.getType().getRawClass().getSimpleName() + ": " + cause.getMessage());
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(e.getOriginalMessage());
    } catch (IOException e) {
      throw new MalformedMessageException(e.getMessage());
    }
  }
}
