package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A real JeroMQ CURVE handshake over loopback, server and client each in a context of their own (so
 * each side's crypto runs on its own I/O thread), costs three Curve25519 multiplications per side:
 * the server's HELLO/WELCOME pair and the client's WELCOME/INITIATE pair are each computed once, and
 * so is the key both keep for their messages.
 */
@Timeout(60)
class HandshakeCostTest {

    @Test
    void eachSideOfAHandshakeMultipliesThreeTimes() {
        ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        try (ZContext serverCtx = new ZContext(); ZContext clientCtx = new ZContext()) {
            ZMQ.Socket router = serverCtx.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            router.setReceiveTimeOut(20_000);
            router.setCurveServer(true);
            router.setCurveSecretKey(ZMQ.Curve.z85Decode(server.secretKey));
            router.bind("tcp://127.0.0.1:*");

            ZMQ.Socket dealer = clientCtx.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(20_000);
            dealer.setCurveServerKey(ZMQ.Curve.z85Decode(server.publicKey));
            dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(client.publicKey));
            dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(client.secretKey));

            long before = NaclCrypto.scalarMults();
            dealer.connect(router.getLastEndpoint());
            assertThat(dealer.send("ping")).isTrue();
            byte[] id = router.recv();
            assertThat(id).as("the server got the message").isNotNull();
            assertThat(router.recvStr()).isEqualTo("ping");
            router.sendMore(id);
            router.send("pong");
            assertThat(dealer.recvStr()).isEqualTo("pong");
            long handshake = NaclCrypto.scalarMults() - before;

            assertThat(handshake).as("Curve25519 multiplications of one handshake, both sides").isEqualTo(6);
        }
    }
}
