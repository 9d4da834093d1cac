package org.edgegateway.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.edgegateway.keys.ZCertFormatException;

/**
 * A public key as an admin sends it to enrol a client or a worker: in Z85, or as the text of its
 * {@code .key} certificate, read by the one certificate parser ({@link ZCertFiles}). Stateless and
 * thread-safe.
 */
final class KeyUpload {

    private KeyUpload() {
    }

    /** The public key in Z85 of {@code r}, stripped: the one given, or the one of its certificate; else 400. */
    static String publicKey(ApiHandler.EnrolRequest r) throws IOException {
        if ((r.publicKey() == null) == (r.certificate() == null)) {
            throw ApiException.badRequest("give exactly one of publicKey (Z85) or certificate (a .key file)");
        }
        return (r.publicKey() != null ? r.publicKey() : ofCertificate(r.certificate())).strip();
    }

    private static String ofCertificate(String certificate) throws IOException {
        if (certificate.length() > ApiJson.MAX_BODY) {
            throw ApiException.badRequest("certificate is too large");
        }
        Path tmp = Files.createTempFile("egw-upload-", ".key");
        try {
            Files.writeString(tmp, certificate, StandardCharsets.UTF_8);
            ZCert cert = ZCertFiles.read(tmp);
            if (cert.hasSecret()) {
                throw ApiException.badRequest("this is a secret certificate (.key_secret): upload the public"
                        + " .key file; the secret key must stay on the client");
            }
            return cert.publicZ85();
        } catch (ZCertFormatException e) {
            throw ApiException.badRequest("not a CURVE certificate: " + e.getMessage()
                    .replace(tmp.toString(), "the uploaded file"));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
