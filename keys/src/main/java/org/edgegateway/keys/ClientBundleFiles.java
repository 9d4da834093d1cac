package org.edgegateway.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * The one client bundle format, written here for the CLI ({@code clients add --generate --out DIR}),
 * the admin UI and the REST API alike. Immutable; it holds a secret key, so {@link #wipe()} it when done.
 *
 * <p>A bundle is three ZPL certificates:
 * <ul>
 * <li>{@code NAME.key}: the client's public key (mode 0644);</li>
 * <li>{@code NAME.key_secret}: the client's public and secret key (mode 0600);</li>
 * <li>{@code server.key}: the gateway's public key, with the endpoint clients connect to as its
 * {@code endpoint} metadata (mode 0644).</li>
 * </ul>
 * Written to a folder ({@link #writeTo}) the files get those modes; in an archive ({@link #archive})
 * they sit in a folder {@code NAME/} (mode 0700) and carry their modes: a zip stores them in each
 * entry's Unix external attributes, which {@code unzip} restores, and a tar.gz in its headers. The
 * archives are written here rather than with {@code java.util.zip}, which cannot store modes.
 */
public final class ClientBundleFiles {

    /** The archive formats a bundle is downloaded in. */
    public enum Format {
        ZIP(".zip", "application/zip"),
        TAR_GZ(".tar.gz", "application/gzip");

        private final String suffix;
        private final String contentType;

        Format(String suffix, String contentType) {
            this.suffix = suffix;
            this.contentType = contentType;
        }

        public String fileName(String clientName) {
            return clientName + suffix;
        }

        public String contentType() {
            return contentType;
        }

        /** {@code zip} (also for null or blank) or {@code tar.gz}. */
        public static Format parse(String text) {
            if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("zip")) {
                return ZIP;
            }
            String t = text.strip().toLowerCase(Locale.ROOT);
            if (t.equals("tar.gz") || t.equals("tgz")) {
                return TAR_GZ;
            }
            throw new IllegalArgumentException("bundle format '" + text + "' is not zip or tar.gz");
        }
    }

    public static final String SERVER_CERTIFICATE = "server.key";
    static final int PUBLIC_MODE = 0644;
    static final int SECRET_MODE = 0600;
    static final int FOLDER_MODE = 0700;

    /** One file of the bundle. */
    private record Entry(String file, byte[] content, int mode) {
    }

    private final String name;
    private final CurveKeyPair pair;
    private final ZCert client;
    private final ZCert server;
    private final List<Entry> entries;
    private final Instant createdAt;

    private ClientBundleFiles(String name, CurveKeyPair pair, ZCert server, Clock clock) {
        this.name = name;
        this.pair = pair;
        ZCert client = ZCert.of(pair, Map.of("name", name));
        this.client = client;
        this.server = server;
        this.createdAt = clock.instant();
        this.entries = List.of(
                new Entry(name + ZCertFiles.PUBLIC_SUFFIX, bytes(ZCertFiles.formatPublic(client, clock)), PUBLIC_MODE),
                new Entry(name + ZCertFiles.SECRET_SUFFIX, bytes(ZCertFiles.formatSecret(client, clock)), SECRET_MODE),
                new Entry(SERVER_CERTIFICATE, bytes(ZCertFiles.formatPublic(server, clock)), PUBLIC_MODE));
    }

    /**
     * The bundle of client {@code name} with key pair {@code pair}, for the gateway whose public key is
     * {@code serverPublicZ85} and which clients reach at {@code endpoint}.
     *
     * @throws IllegalArgumentException naming the bad name, key or endpoint
     */
    public static ClientBundleFiles of(String name, CurveKeyPair pair, String serverPublicZ85, String endpoint) {
        return of(name, pair, serverPublicZ85, endpoint, Clock.systemUTC());
    }

    static ClientBundleFiles of(String name, CurveKeyPair pair, String serverPublicZ85, String endpoint, Clock clock) {
        ClientNames.requireValid("client name", name);
        if (endpoint == null || !endpoint.matches("(tcp|ipc)://\\S+")) {
            throw new IllegalArgumentException("client bundle for '" + name + "': endpoint is not tcp://host:port: "
                    + endpoint);
        }
        Map<String, String> serverMetadata = new LinkedHashMap<>();
        serverMetadata.put("name", "edge-gateway");
        serverMetadata.put("endpoint", endpoint);
        return new ClientBundleFiles(name, pair,
                ZCert.ofPublic(Z85.decodeKey(serverPublicZ85), serverMetadata), clock);
    }

    public String name() {
        return name;
    }

    /** The files this bundle writes into a folder, in the order written. */
    public List<Path> files(Path dir) {
        return entries.stream().map(e -> dir.resolve(e.file())).toList();
    }

    /**
     * Writes the three files into {@code dir} (created mode 0700 if missing), each atomically with its
     * mode. Refuses, writing nothing, when any of them exists.
     *
     * @throws FileAlreadyExistsException naming the file that exists
     */
    public void writeTo(Path dir) throws IOException {
        for (Path p : files(dir)) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(p.toString(), null, "choose an empty folder");
            }
        }
        ZCertFiles.writePair(dir, name, pair, client.metadata());
        try {
            ZCertFiles.writePublic(dir.resolve(SERVER_CERTIFICATE), server);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dir.resolve(name + ZCertFiles.PUBLIC_SUFFIX));
            Files.deleteIfExists(dir.resolve(name + ZCertFiles.SECRET_SUFFIX));
            throw e;
        }
    }

    /** The bundle as one archive whose files sit in a folder {@code NAME/}, with their modes. */
    public byte[] archive(Format format) {
        try {
            return format == Format.ZIP ? zip() : tarGz();
        } catch (IOException e) {
            throw new IllegalStateException("client bundle for '" + name + "': cannot write " + format, e);
        }
    }

    /** Overwrites the certificate texts held in memory (the secret one among them). */
    public void wipe() {
        for (Entry e : entries) {
            Arrays.fill(e.content(), (byte) 0);
        }
    }

    // ------------------------------------------------------------------ zip, stored, with Unix modes

    private byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        int count = 0;
        int dosTime = dosTime(createdAt);
        List<Entry> all = new java.util.ArrayList<>();
        all.add(new Entry(name + "/", new byte[0], FOLDER_MODE | 0040000));
        for (Entry e : entries) {
            all.add(new Entry(name + "/" + e.file(), e.content(), e.mode() | 0100000));
        }
        for (Entry e : all) {
            byte[] fileName = bytes(e.file());
            CRC32 crc = new CRC32();
            crc.update(e.content());
            long offset = out.size();
            // local file header
            le32(out, 0x04034b50);
            le16(out, 20);
            le16(out, 0x0800); // names in UTF-8
            le16(out, 0); // stored
            le32(out, dosTime);
            le32(out, (int) crc.getValue());
            le32(out, e.content().length);
            le32(out, e.content().length);
            le16(out, fileName.length);
            le16(out, 0);
            out.write(fileName);
            out.write(e.content());
            // central directory header: made by Unix (3), the mode in the high half of the external attributes
            le32(central, 0x02014b50);
            le16(central, (3 << 8) | 20);
            le16(central, 20);
            le16(central, 0x0800);
            le16(central, 0);
            le32(central, dosTime);
            le32(central, (int) crc.getValue());
            le32(central, e.content().length);
            le32(central, e.content().length);
            le16(central, fileName.length);
            le16(central, 0);
            le16(central, 0);
            le16(central, 0);
            le16(central, 0);
            le32(central, (e.mode() << 16) | (e.file().endsWith("/") ? 0x10 : 0));
            le32(central, (int) offset);
            central.write(fileName);
            count++;
        }
        long centralOffset = out.size();
        byte[] directory = central.toByteArray();
        out.write(directory);
        le32(out, 0x06054b50);
        le16(out, 0);
        le16(out, 0);
        le16(out, count);
        le16(out, count);
        le32(out, directory.length);
        le32(out, (int) centralOffset);
        le16(out, 0);
        Arrays.fill(directory, (byte) 0);
        return out.toByteArray();
    }

    private static int dosTime(Instant instant) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
        int year = Math.max(t.getYear(), 1980);
        return ((year - 1980) << 25) | (t.getMonthValue() << 21) | (t.getDayOfMonth() << 16)
                | (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() >> 1);
    }

    private static void le16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }

    private static void le32(ByteArrayOutputStream out, int v) {
        le16(out, v & 0xffff);
        le16(out, (v >>> 16) & 0xffff);
    }

    // ------------------------------------------------------------------ tar.gz (ustar)

    private byte[] tarGz() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            long mtime = createdAt.getEpochSecond();
            gz.write(tarHeader(name + "/", 0, FOLDER_MODE, '5', mtime));
            for (Entry e : entries) {
                gz.write(tarHeader(name + "/" + e.file(), e.content().length, e.mode(), '0', mtime));
                gz.write(e.content());
                gz.write(new byte[(512 - e.content().length % 512) % 512]);
            }
            gz.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static byte[] tarHeader(String path, long size, int mode, char type, long mtime) {
        byte[] h = new byte[512];
        byte[] p = bytes(path);
        if (p.length > 100) {
            throw new IllegalArgumentException("path too long for a tar header: " + path);
        }
        System.arraycopy(p, 0, h, 0, p.length);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        System.arraycopy(bytes("ustar\0"), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - s.length())) + s;
        byte[] b = bytes(padded);
        System.arraycopy(b, 0, h, offset, b.length);
        h[offset + length - 1] = 0;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
