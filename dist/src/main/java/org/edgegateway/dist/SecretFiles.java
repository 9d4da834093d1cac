package org.edgegateway.dist;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import org.edgegateway.core.admin.AdminException;

/** The files a command writes a secret into (a claim, a password): new, owner-only from the start. Stateless. */
final class SecretFiles {

    private SecretFiles() {
    }

    /** Writes a new owner-only file: created with mode 0600, never replacing one (CONFLICT). */
    static void writeNew(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        FileAttribute<?>[] attrs = parent.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try {
            Files.createFile(file, attrs);
        } catch (FileAlreadyExistsException e) {
            throw new AdminException(AdminException.Kind.CONFLICT, file + " already exists; choose a new file");
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            w.write(text);
        }
    }
}
