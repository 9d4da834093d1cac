package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor} warns while the first admin password's file exists, and fails when others may read it. */
class DoctorInitialPasswordTest {

    private static String doctor(Path home) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            Main.run("--home", home.toString(), "doctor");
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void warnsWhileTheFileExists(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/gateway.properties"), "# defaults\n");
        Path file = home.resolve("admin-password.txt");
        assertThat(doctor(home)).contains("no initial admin password file").doesNotContain("WARN  initial admin password file");

        Files.writeString(file, "secret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String report = doctor(home);
        assertThat(report).contains("WARN  initial admin password file " + file + " still exists")
                .contains("change the password").doesNotContain("secret\n");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(doctor(home)).contains("FAIL  initial admin password file " + file + " is open to")
                .contains("WARN  initial admin password file");
    }
}
