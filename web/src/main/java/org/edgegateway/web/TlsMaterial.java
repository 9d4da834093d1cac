package org.edgegateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin web server's TLS key and certificate: an admin-supplied PKCS12 file, or a self-signed
 * certificate generated on first start into the keys directory and reused afterwards. Immutable.
 *
 * <p>The generated certificate names {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the bind
 * address in its subject alternative names, because Jetty 12 compares the Host of each request with
 * the certificate (its SNI host check) and answers {@code 400 Invalid SNI} when they differ. A
 * certificate that no longer covers the bind address, or has expired, is generated afresh.
 */
final class TlsMaterial {

    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
    static final String KEY_STORE_FILE = "admin-web.p12";
    static final String PASSWORD_FILE = "admin-web.p12.password";
    private static final String ALIAS = "admin-web";
    private static final Duration VALIDITY = Duration.ofDays(825);

    private final KeyStore keyStore;
    private final String password;
    private final X509Certificate certificate;

    private TlsMaterial(KeyStore keyStore, String password, X509Certificate certificate) {
        this.keyStore = keyStore;
        this.password = password;
        this.certificate = certificate;
    }

    KeyStore keyStore() {
        return keyStore;
    }

    String password() {
        return password;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the certificate's DER encoding, as colon-separated upper-case hex. */
    String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the admin web certificate", e);
        }
    }

    /** Loads an admin-supplied PKCS12 key store. */
    static TlsMaterial loadPkcs12(Path file, String password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            X509Certificate cert = firstKeyCertificate(ks, file);
            return new TlsMaterial(ks, password, cert);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read admin.pkcs12 " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The self-signed certificate in {@code keysDir}, generated when missing, expired or not naming
     * every host in {@code hostNames}.
     */
    static TlsMaterial selfSigned(Path keysDir, String bindAddress, Clock clock) {
        Set<String> names = hostNames(bindAddress);
        Path storeFile = keysDir.resolve(KEY_STORE_FILE);
        Path passwordFile = keysDir.resolve(PASSWORD_FILE);
        try {
            if (Files.exists(storeFile) && Files.exists(passwordFile)) {
                String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(storeFile)) {
                    ks.load(in, password.toCharArray());
                }
                X509Certificate cert = firstKeyCertificate(ks, storeFile);
                if (covers(cert, names) && cert.getNotAfter().toInstant().isAfter(clock.instant())) {
                    return new TlsMaterial(ks, password, cert);
                }
                LOG.warn("admin web: certificate {} has expired or does not name {}; generating a new one",
                        storeFile, names);
            }
            return generate(keysDir, storeFile, passwordFile, names, clock);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot load or create the admin web certificate in " + keysDir
                    + ": " + e.getMessage(), e);
        }
    }

    private static TlsMaterial generate(Path keysDir, Path storeFile, Path passwordFile, Set<String> names,
                                        Clock clock)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        KeyPair pair = generator.generateKeyPair();

        X500Name subject = new X500Name("CN=Edge Gateway admin,O=Edge Gateway");
        Instant now = clock.instant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(127, random).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        List<GeneralName> sans = names.stream()
                .map(n -> new GeneralName(isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
                .toList();
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(sans.toArray(GeneralName[]::new)));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(ALIAS, pair.getPrivate(), password.toCharArray(), new Certificate[] {cert});

        Files.createDirectories(keysDir);
        writeOwnerOnly(passwordFile, password.getBytes(StandardCharsets.UTF_8));
        Path tmp = keysDir.resolve(KEY_STORE_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        createOwnerOnly(tmp);
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.TRUNCATE_EXISTING)) {
            ks.store(out, password.toCharArray());
        }
        try {
            Files.move(tmp, storeFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, storeFile, StandardCopyOption.REPLACE_EXISTING);
        }
        LOG.info("admin web: generated a self-signed certificate {} for {}", storeFile, names);
        return new TlsMaterial(ks, password, cert);
    }

    /** Writes {@code content} to a new file readable only by its owner (replacing an old one). */
    static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createOwnerOnly(tmp);
        Files.write(tmp, content, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }

    /** localhost, the loopback addresses and the bind address (unless it is a wildcard). */
    static Set<String> hostNames(String bindAddress) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        String bind = bindAddress.startsWith("[") && bindAddress.endsWith("]")
                ? bindAddress.substring(1, bindAddress.length() - 1) : bindAddress;
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("*")) {
            names.add(isIpLiteral(bind) ? canonicalIp(bind) : bind.toLowerCase(java.util.Locale.ROOT));
        }
        return names;
    }

    private static boolean covers(X509Certificate cert, Set<String> names) throws CertificateParsingException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        Set<String> present = new LinkedHashSet<>();
        if (sans != null) {
            for (List<?> san : sans) {
                Object value = san.get(1);
                if (value instanceof String s) {
                    present.add(isIpLiteral(s) ? canonicalIp(s) : s.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return names.stream().map(n -> isIpLiteral(n) ? canonicalIp(n) : n).allMatch(present::contains);
    }

    static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") && host.chars().filter(c -> c == '.').count() == 3 || host.contains(":");
    }

    private static String canonicalIp(String ip) {
        try {
            // A literal: no name lookup happens.
            return InetAddress.getByName(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return ip;
        }
    }

    private static X509Certificate firstKeyCertificate(KeyStore ks, Path file) throws GeneralSecurityException {
        Enumeration<String> aliases = ks.aliases();
        while (aliases.hasMoreElements()) {
            String alias = aliases.nextElement();
            if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate cert) {
                return cert;
            }
        }
        throw new GeneralSecurityException("no private key with an X.509 certificate in " + file);
    }
}
