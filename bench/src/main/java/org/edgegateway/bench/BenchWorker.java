package org.edgegateway.bench;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.edgegateway.client.ClientBundle;
import org.edgegateway.client.GatewayWorker;
import org.edgegateway.client.GatewayWorker.Answer;

/**
 * The workers block's Java worker: the same work as the STRING plugin (the payload must be UTF-8; ACK
 * {@code "TYPE received (N bytes)"}), served over the worker protocol with the SDK's GatewayWorker.
 * Prints {@code READY} once the gateway took its announcement; runs until killed.
 *
 * <p>usage: BenchWorker BUNDLE_DIR NAME TYPE
 */
public final class BenchWorker {
    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        ClientBundle bundle = ClientBundle.load(Path.of(args[0]), args[1]);
        String type = args[2];
        GatewayWorker w = GatewayWorker.start(bundle, bundle.endpoint().orElseThrow(), Set.of(type), request -> {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(request.payload()));
            } catch (CharacterCodingException e) {
                return Answer.badPayload("not UTF-8");
            }
            return Answer.ack(type + " received (" + request.payload().length + " bytes)");
        }, Duration.ofMillis(2500), e -> { });
        if (!w.awaitReady(Duration.ofSeconds(60))) {
            System.err.println("worker " + args[1] + ": the gateway did not take the announcement within 60 s");
            System.exit(1);
        }
        System.out.println("READY");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
