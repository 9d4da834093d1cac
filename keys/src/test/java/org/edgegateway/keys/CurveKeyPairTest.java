package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

class CurveKeyPairTest {

    @Test
    void matchesTheRfc7748TestVector() {
        HexFormat hex = HexFormat.of();
        byte[] alicePrivate = hex.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        CurveKeyPair pair = CurveKeyPair.fromSecret(alicePrivate);
        assertThat(hex.formatHex(pair.publicKey()))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(pair.secretKey()).containsExactly(alicePrivate);
    }

    @Test
    void derivesTheSamePublicKeyAsJeromq() {
        for (int i = 0; i < 20; i++) {
            ZMQ.Curve.KeyPair theirs = ZMQ.Curve.generateKeyPair();
            CurveKeyPair ours = CurveKeyPair.fromSecretZ85(theirs.secretKey);
            assertThat(ours.publicZ85()).isEqualTo(theirs.publicKey);
            assertThat(ours.secretZ85()).isEqualTo(theirs.secretKey);
        }
    }

    @Test
    void generatesDistinctConsistentPairs() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            CurveKeyPair pair = CurveKeyPair.generate();
            assertThat(seen.add(pair.publicZ85())).isTrue();
            assertThat(CurveKeyPair.fromSecret(pair.secretKey())).isEqualTo(pair);
            assertThat(pair.publicZ85()).hasSize(40);
            assertThat(pair.secretZ85()).hasSize(40);
        }
    }

    @Test
    void toStringNeverShowsTheSecret() {
        CurveKeyPair pair = CurveKeyPair.generate();
        assertThat(pair.toString()).contains(pair.publicZ85()).doesNotContain(pair.secretZ85());
        ZCert cert = ZCert.of(pair, null);
        assertThat(cert.toString()).contains(pair.publicZ85()).doesNotContain(pair.secretZ85());
    }

    @Test
    void makesDefensiveCopies() {
        CurveKeyPair pair = CurveKeyPair.generate();
        String pub = pair.publicZ85();
        String sec = pair.secretZ85();
        pair.publicKey()[0] ^= 1;
        pair.secretKey()[0] ^= 1;
        assertThat(pair.publicZ85()).isEqualTo(pub);
        assertThat(pair.secretZ85()).isEqualTo(sec);

        byte[] secret = pair.secretKey();
        CurveKeyPair copy = CurveKeyPair.fromSecret(secret);
        secret[1] ^= 1;
        assertThat(copy.secretZ85()).isEqualTo(sec);
    }

    @Test
    void refusesMismatchedOrMalformedKeys() {
        CurveKeyPair a = CurveKeyPair.generate();
        CurveKeyPair b = CurveKeyPair.generate();
        assertThatThrownBy(() -> new CurveKeyPair(a.publicKey(), b.secretKey()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> CurveKeyPair.fromSecret(new byte[31]))
                .hasMessage("secret key must be 32 bytes, got 31");
        assertThatThrownBy(() -> CurveKeyPair.fromSecret(null)).hasMessage("secret key is missing");
    }

    @Test
    void aGeneratedPairWorksWithJeromqCurve() {
        CurveKeyPair server = CurveKeyPair.generate();
        CurveKeyPair client = CurveKeyPair.generate();
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket router = ctx.createSocket(SocketType.ROUTER);
            router.setCurveServer(true);
            router.setCurveSecretKey(server.secretKey());
            router.setReceiveTimeOut(10_000);
            router.bind("tcp://127.0.0.1:*");
            String endpoint = router.getLastEndpoint();

            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setHandshakeIvl(2000); // JeroMQ 0.6.0: retry a connection stuck before the greeting
            dealer.setCurveServerKey(server.publicKey());
            dealer.setCurvePublicKey(client.publicKey());
            dealer.setCurveSecretKey(client.secretKey());
            dealer.setReceiveTimeOut(10_000);
            dealer.connect(endpoint);

            assertThat(dealer.send("hello")).isTrue();
            ZMsg request = ZMsg.recvMsg(router);
            assertThat(request).as("message through CURVE").isNotNull();
            assertThat(request.size()).isEqualTo(2);
            assertThat(request.getLast().getString(StandardCharsets.UTF_8)).isEqualTo("hello");

            ZMsg reply = new ZMsg();
            reply.add(request.getFirst().getData());
            reply.add("world");
            assertThat(reply.send(router)).isTrue();
            assertThat(dealer.recvStr()).isEqualTo("world");
        }
    }

    @Test
    void aClientWithTheWrongServerKeyGetsNothingThrough() {
        CurveKeyPair server = CurveKeyPair.generate();
        CurveKeyPair impostor = CurveKeyPair.generate();
        CurveKeyPair client = CurveKeyPair.generate();
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket router = ctx.createSocket(SocketType.ROUTER);
            router.setCurveServer(true);
            router.setCurveSecretKey(server.secretKey());
            router.setReceiveTimeOut(1_000);
            router.bind("tcp://127.0.0.1:*");

            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setCurveServerKey(impostor.publicKey());
            dealer.setCurvePublicKey(client.publicKey());
            dealer.setCurveSecretKey(client.secretKey());
            dealer.setSendTimeOut(0);
            dealer.connect(router.getLastEndpoint());
            dealer.send("hello", ZMQ.DONTWAIT);

            assertThat(router.recv()).isNull();
        }
    }
}
