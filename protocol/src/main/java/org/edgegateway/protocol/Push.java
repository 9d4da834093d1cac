package org.edgegateway.protocol;

/**
 * A message the gateway sends to a client on its own initiative, {@code [EGW/1, "", TYPE, PAYLOAD]}:
 * a versioned frame with an empty correlation id, which no request can carry. Immutable.
 */
public record Push(String type, byte[] payload) implements FromGateway {
    public Push {
        TypeNames.requireValid(type);
        payload = payload == null ? new byte[0] : payload;
    }
}
