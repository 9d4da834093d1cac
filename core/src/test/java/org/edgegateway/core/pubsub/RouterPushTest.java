package org.edgegateway.core.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

/** Pushes by client name through a real gateway's ROUTER. */
@Timeout(60)
class RouterPushTest {
    @TempDir
    Path dir;

    private static RouterPush pusher(GatewayFixture f) {
        return new RouterPush(name -> f.gateway().admin().client(name).map(ClientView::publicKey),
                f.gateway().router()::push);
    }

    @Test
    void aConnectedClientReceivesThePushAndADisconnectedOneIsAnError() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(dir)) {
            CurveKeyPair keys = f.enrol("sensor-1");
            f.enrol("sensor-2");
            ZMQ.Socket dealer = f.dealer(keys);
            GatewayFixture.send(dealer, "EGW/1", "id-1", "PING");
            assertThat(GatewayFixture.receiveText(dealer)).containsExactly("EGW/1", "id-1", "PONG", "");
            RouterPush pusher = pusher(f);

            assertThat(GatewayFixture.await(Duration.ofSeconds(10), () -> {
                try {
                    pusher.push("sensor-1", "CONFIG", "{\"rate\":5}".getBytes(StandardCharsets.UTF_8))
                            .get(10, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            })).isTrue();
            List<String> push = GatewayFixture.receiveText(dealer);
            assertThat(push).containsExactly("EGW/1", "", "CONFIG", "{\"rate\":5}");

            assertThatThrownBy(() -> pusher.push("sensor-2", "CONFIG", new byte[0]).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RouterPush.NotConnectedException.class)
                    .hasMessageContaining("NOT_CONNECTED").hasMessageContaining("sensor-2");
            try {
                pusher.push("sensor-2", "CONFIG", new byte[0]).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(((RouterPush.NotConnectedException) e.getCause()).code()).isEqualTo(ErrorCode.NOT_CONNECTED);
            }
            assertThat(pusher.asClientPush().push("sensor-2", "CONFIG", new byte[0]).get(10, TimeUnit.SECONDS))
                    .isFalse();
        }
    }

    @Test
    void unknownNamesAndBadTypesAreRefusedAtOnce() {
        try (GatewayFixture f = GatewayFixture.start(dir)) {
            RouterPush pusher = pusher(f);
            assertThatThrownBy(() -> pusher.push("nobody", "CONFIG", new byte[0]))
                    .isInstanceOf(AdminException.class).hasMessageContaining("nobody")
                    .extracting(e -> ((AdminException) e).kind()).isEqualTo(AdminException.Kind.NOT_FOUND);
            f.enrol("sensor-1");
            assertThatThrownBy(() -> pusher.push("sensor-1", "bad type", new byte[0]))
                    .isInstanceOf(AdminException.class).hasMessageContaining("'bad type'");
        }
    }
}
