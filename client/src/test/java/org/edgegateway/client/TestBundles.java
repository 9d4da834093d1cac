package org.edgegateway.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.zeromq.ZCert;
import org.zeromq.ZMQ;

/** Writes client bundle folders the way {@code clients add --generate} does (czmq zcert format). */
public final class TestBundles {

    /** A server key pair and the helpers to make bundles for it. */
    public record Server(ZMQ.Curve.KeyPair keys) {
        public byte[] publicKey() {
            return ZMQ.Curve.z85Decode(keys.publicKey);
        }

        public byte[] secretKey() {
            return ZMQ.Curve.z85Decode(keys.secretKey);
        }
    }

    private TestBundles() {
    }

    public static Server newServer() {
        return new Server(ZMQ.Curve.generateKeyPair());
    }

    /** Writes DIR/NAME.key, DIR/NAME.key_secret (0600) and DIR/server.key; returns the client's public key, Z85. */
    public static String write(Path dir, String name, Server server, String endpoint) throws IOException {
        return write(dir, name, server.keys().publicKey, endpoint);
    }

    public static String write(Path dir, String name, String serverPublicZ85, String endpoint) throws IOException {
        Files.createDirectories(dir);
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        ZCert cert = new ZCert(client.publicKey, client.secretKey);
        cert.setMeta("name", name);
        cert.savePublic(dir.resolve(name + ".key").toString());
        Path secret = dir.resolve(name + ".key_secret");
        cert.saveSecret(secret.toString());
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        ZCert serverCert = new ZCert(serverPublicZ85, null);
        if (endpoint != null) {
            serverCert.setMeta("endpoint", endpoint);
        }
        serverCert.savePublic(dir.resolve("server.key").toString());
        return client.publicKey;
    }
}
