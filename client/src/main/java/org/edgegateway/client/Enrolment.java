package org.edgegateway.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Enrols this sensor on a claim (docs/PROTOCOL.md, "Enrolment"): makes a CURVE key pair here, writes
 * the client bundle, then asks the gateway's enrolment port to enrol the key the connection is
 * authenticated with, {@code [ENROL, claim-secret, NAME]}. The secret key never leaves this host: the
 * gateway learns the public key from the CURVE handshake. Stateless, thread-safe.
 */
public final class Enrolment {

    /** What the gateway answered. */
    public enum Status {
        /** Enrolled and admitted: connect with the bundle now. */
        ENROLLED,
        /** Enrolled, waiting for an admin's approval: the bundle works once approved. */
        PENDING
    }

    /** An enrolment that succeeded, with the folder holding the new bundle. */
    public record Result(Status status, String name, Path bundle, String publicKey) {
    }

    /** The claim file's content a sensor needs. */
    record Claim(String secret, String prefix, String serverKey, String enrolEndpoint, String endpoint) {
    }

    private Enrolment() {
    }

    /** Reads a claim file written by {@code edge-gateway claims create}. */
    static Claim readClaim(Path file) {
        Map<String, String> p = BundleFiles.read(file);
        String secret = require(p, "claim/secret", file);
        String serverKey = require(p, "gateway/public-key", file);
        if (serverKey.length() != ZMQ.Curve.KEY_SIZE_Z85) {
            throw new BundleException(file + ": gateway.public-key is not a " + ZMQ.Curve.KEY_SIZE_Z85
                    + "-character Z85 key");
        }
        return new Claim(secret, p.getOrDefault("claim/prefix", ""), serverKey, require(p, "gateway/enrol-endpoint", file),
                require(p, "gateway/endpoint", file));
    }

    private static String require(Map<String, String> p, String key, Path file) {
        String v = p.get(key);
        if (v == null || v.isBlank()) {
            throw new BundleException("claim file " + file + " has no " + key.replace('/', '.') + " entry");
        }
        return v;
    }

    /**
     * Enrols as {@code name} on the claim in {@code claimFile} and leaves the bundle in {@code outDir}
     * ({@code NAME.key}, {@code NAME.key_secret} with mode 0600, {@code server.key} naming the sensors'
     * endpoint). On a refusal or no answer the bundle is deleted again.
     *
     * @throws BundleException          when the claim file is missing or malformed, or a bundle file exists
     * @throws GatewayClientException   ERROR_REPLY with the gateway's {@code CODE: detail}; TIMEOUT when no
     *                                  answer came within {@code timeout}
     */
    public static Result enrol(Path claimFile, String name, Path outDir, Duration timeout) {
        Claim claim = readClaim(claimFile);
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("client name '" + name + "' must be letters, digits, '.', '_' or '-',"
                    + " up to 64, starting with a letter or digit");
        }
        if (!name.startsWith(claim.prefix())) {
            throw new IllegalArgumentException("client name '" + name + "' must start with the claim's prefix '"
                    + claim.prefix() + "'");
        }
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        try {
            BundleFiles.write(outDir, name, pair.publicKey, pair.secretKey, claim.serverKey(), claim.endpoint(),
                    Clock.systemUTC());
        } catch (IOException e) {
            throw new BundleException("cannot write the bundle into " + outDir + ": " + e.getMessage(), e);
        }
        boolean kept = false;
        try {
            List<String> reply = exchange(claim, name, pair, timeout);
            if (reply == null) {
                throw new GatewayClientException(GatewayClientException.Kind.TIMEOUT, "no answer from the enrolment port "
                        + claim.enrolEndpoint() + " within " + timeout.toMillis() + " ms");
            }
            String kind = reply.get(0);
            String detail = reply.size() > 1 ? reply.get(1) : "";
            if (reply.size() == 2 && ("ENROLLED".equals(kind) || "PENDING".equals(kind)) && name.equals(detail)) {
                kept = true;
                return new Result(Status.valueOf(kind), name, outDir, pair.publicKey);
            }
            throw new GatewayClientException(GatewayClientException.Kind.ERROR_REPLY,
                    "the gateway refused the enrolment: " + ("ERROR".equals(kind) ? detail : String.join(" | ", reply)));
        } finally {
            if (!kept) {
                try {
                    BundleFiles.delete(outDir, name);
                } catch (IOException e) {
                    // The caller learns of the refusal; a leftover unenrolled key is harmless.
                }
            }
        }
    }

    private static List<String> exchange(Claim claim, String name, ZMQ.Curve.KeyPair pair, Duration timeout) {
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket s = context.createSocket(SocketType.DEALER);
            s.setLinger(0);
            s.setReceiveTimeOut((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            s.setSendTimeOut((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            // JeroMQ clients may leave a fresh connection stuck before the greeting; retry it soon.
            s.setHandshakeIvl(2000);
            s.setCurveServerKey(ZMQ.Curve.z85Decode(claim.serverKey()));
            s.setCurvePublicKey(ZMQ.Curve.z85Decode(pair.publicKey));
            s.setCurveSecretKey(ZMQ.Curve.z85Decode(pair.secretKey));
            s.connect(claim.enrolEndpoint());
            s.send("ENROL".getBytes(StandardCharsets.US_ASCII), ZMQ.SNDMORE);
            s.send(claim.secret().getBytes(StandardCharsets.UTF_8), ZMQ.SNDMORE);
            s.send(name.getBytes(StandardCharsets.UTF_8), 0);
            byte[] first = s.recv(0);
            if (first == null) {
                return null;
            }
            List<String> frames = new ArrayList<>();
            frames.add(new String(first, StandardCharsets.UTF_8));
            while (s.hasReceiveMore()) {
                frames.add(new String(s.recv(0), StandardCharsets.UTF_8));
            }
            return frames;
        }
    }
}
