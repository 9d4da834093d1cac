package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import zmq.Ctx;
import zmq.Msg;
import zmq.SocketBase;
import zmq.ZMQ;

/**
 * A context shut down right after its sockets closed ends quietly. The poller hands ready keys to
 * their handlers inside {@code select}; a context closes every selector on its way down while the
 * reaper may still be in its last handler (removing its mailbox), which must not surface as an
 * exception from the poller or leave the reaper's selector rebuilt after it was told to stop.
 */
class ContextShutdownIT {
    static final int ROUNDS = 60;

    @Test
    void contextsShutDownAfterTrafficReportNothing() {
        List<Throwable> notified = new CopyOnWriteArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Ctx ctx = ZMQ.createContext();
            ctx.setNotificationExceptionHandler((t, e) -> notified.add(e));
            SocketBase router = ctx.createSocket(ZMQ.ZMQ_ROUTER);
            SocketBase dealer = ctx.createSocket(ZMQ.ZMQ_DEALER);
            router.setSocketOpt(ZMQ.ZMQ_LINGER, 0);
            dealer.setSocketOpt(ZMQ.ZMQ_LINGER, 0);
            assertThat(router.bind("tcp://127.0.0.1:*")).isTrue();
            String endpoint = (String) router.getSocketOptx(ZMQ.ZMQ_LAST_ENDPOINT);
            assertThat(dealer.connect(endpoint)).isTrue();
            assertThat(dealer.send(new Msg("ping".getBytes(ZMQ.CHARSET)), 0)).isTrue();
            Msg id = router.recv(0);
            assertThat(id).as("round %d: the routing id", round).isNotNull();
            assertThat(new String(router.recv(0).data(), ZMQ.CHARSET)).isEqualTo("ping");
            dealer.close();
            router.close();
            ctx.terminate();
        }
        assertThat(notified).as("exceptions the contexts' pollers reported while shutting down").isEmpty();
    }
}
