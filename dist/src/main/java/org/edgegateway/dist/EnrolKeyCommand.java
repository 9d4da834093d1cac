package org.edgegateway.dist;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.keys.ClientBundleFiles;
import org.edgegateway.keys.ClientNames;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCertFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clients add} and {@code workers add}: enrol NAME with {@code --public-key Z85}, or generate a
 * key pair, write its bundle into {@code --out DIR} and enrol its public key. The secret is written
 * to the bundle only, never kept by the gateway.
 */
abstract class EnrolKeyCommand implements Callable<Integer> {
    private final String kind;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Unique name: letters, digits, '.', '_' or '-', up to 64")
    String name;

    @ArgGroup(multiplicity = "1")
    KeySource source;

    static final class KeySource {
        @Option(names = "--public-key", paramLabel = "Z85", description = "Its CURVE public key (40 Z85 characters)")
        String publicKey;

        @ArgGroup(exclusive = false)
        Generate generate;
    }

    static final class Generate {
        @Option(names = "--generate", required = true,
                description = "Generate a key pair; the secret is written to the bundle only, never kept by the gateway")
        boolean generate;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Folder for NAME.key, NAME.key_secret and server.key (which names the endpoint to connect to)")
        Path out;
    }

    /** @param kind what is enrolled, as the messages say it: {@code client} or {@code worker} */
    EnrolKeyCommand(String kind) {
        this.kind = kind;
    }

    /** Enrols {@code publicKey} under {@link #name}; returns the public key as stored. */
    abstract String enrol(AdminService admin, String publicKey);

    /** The endpoint a generated bundle's server.key names; refuses when there is none. */
    abstract String endpoint(AdminService admin);

    /** Refuses a NAME already taken before any file is written. */
    void checkNew(AdminService admin) {
    }

    @Override
    public final Integer call() throws IOException {
        ClientNames.requireValid(kind + " name", name);
        try (CommandBackend session = CommandBackend.open(((Main) spec.root().userObject()).home())) {
            AdminService admin = session.admin();
            String label = kind.equals("client") ? "" : kind + " ";
            if (source.publicKey != null) {
                Z85.decodeKey(source.publicKey);
                System.out.println("enrolled " + label + name + " " + enrol(admin, source.publicKey) + note(session));
                return Main.OK;
            }
            checkNew(admin);
            String endpoint = endpoint(admin);
            CurveKeyPair pair = writeBundle(name, admin.serverPublicKey(), endpoint, source.generate.out,
                    key -> enrol(admin, key));
            System.out.println("enrolled " + label + name + " " + pair.publicZ85() + note(session));
            System.out.println("bundle written to " + source.generate.out.toAbsolutePath() + ": " + name
                    + ZCertFiles.PUBLIC_SUFFIX + ", " + name + ZCertFiles.SECRET_SUFFIX + " (secret, mode 0600), "
                    + ClientBundleFiles.SERVER_CERTIFICATE + " (" + (label.isEmpty() ? "gateway " : label + "endpoint ") + endpoint + ")");
            return Main.OK;
        }
    }

    static String note(CommandBackend session) {
        return session.live() ? "" : " (gateway not running: takes effect at its next start)";
    }

    /**
     * Generates a key pair, writes its bundle (NAME.key, NAME.key_secret 0600, server.key naming
     * {@code endpoint}) into {@code out}, then enrols the public key with {@code enrol}; the files are
     * removed again when the enrolment fails. The secret stays in the bundle only.
     */
    private static CurveKeyPair writeBundle(String name, String serverPublicKey, String endpoint, Path out,
                                            java.util.function.Consumer<String> enrol) throws IOException {
        CurveKeyPair pair = CurveKeyPair.generate();
        ClientBundleFiles bundle = ClientBundleFiles.of(name, pair, serverPublicKey, endpoint);
        try {
            bundle.writeTo(out);
        } catch (FileAlreadyExistsException e) {
            throw new AdminException(AdminException.Kind.CONFLICT, e.getFile() + " already exists; choose an empty folder");
        } finally {
            bundle.wipe();
        }
        try {
            enrol.accept(pair.publicZ85());
        } catch (RuntimeException e) {
            for (Path p : bundle.files(out)) {
                Files.deleteIfExists(p);
            }
            throw e;
        }
        return pair;
    }
}
