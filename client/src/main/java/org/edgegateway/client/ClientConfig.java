package org.edgegateway.client;

import java.time.Duration;

/**
 * The settings of one {@link GatewayClient}, validated here. Immutable.
 */
record ClientConfig(ClientBundle bundle, String endpoint, Duration requestTimeout, RetryPolicy retryPolicy,
                    Duration reconnectInterval, Duration reconnectIntervalMax, Duration heartbeatInterval,
                    Duration heartbeatTimeout, Duration handshakeTimeout, int maxInFlight,
                    int handshakeFailuresBeforeGivingUp) {

    ClientConfig {
        if (bundle == null) {
            throw new IllegalArgumentException("no client bundle: call bundle(Path) or bundle(ClientBundle)");
        }
        if (endpoint == null || endpoint.isBlank()) {
            throw new IllegalArgumentException("no endpoint: server.key of bundle " + bundle.name()
                    + " names none; set one with GatewayClient.Builder.endpoint(\"tcp://host:port\")"
                    + " (edge-gateway-client: --endpoint)");
        }
        if (!endpoint.matches("(tcp|ipc|inproc)://\\S+")) {
            throw new IllegalArgumentException("endpoint is not tcp://host:port: " + endpoint);
        }
        positive(requestTimeout, "requestTimeout");
        if (retryPolicy == null) {
            throw new IllegalArgumentException("retryPolicy is null");
        }
        positive(reconnectInterval, "reconnectInterval");
        positive(reconnectIntervalMax, "reconnectIntervalMax");
        if (reconnectIntervalMax.compareTo(reconnectInterval) < 0) {
            throw new IllegalArgumentException("reconnectIntervalMax < reconnectInterval: " + reconnectIntervalMax);
        }
        if (heartbeatInterval == null || heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeatInterval < 0: " + heartbeatInterval);
        }
        positive(heartbeatTimeout, "heartbeatTimeout");
        positive(handshakeTimeout, "handshakeTimeout");
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight < 1: " + maxInFlight);
        }
        if (handshakeFailuresBeforeGivingUp < 1) {
            throw new IllegalArgumentException("handshakeFailuresBeforeGivingUp < 1: " + handshakeFailuresBeforeGivingUp);
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is too long: " + d);
        }
    }
}
