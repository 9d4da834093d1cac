package org.edgegateway.plugins.json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Appends records to one current file per client and rotates it by size. Thread-safe: appends to
 * one client's file are serialised, different clients' files are written in parallel.
 *
 * <p>The current file is {@code <client folder>/<base>}; when a record would take it past
 * {@code fileSize} it is renamed {@code <base>.<n>} with a growing {@code n}, and the oldest rotated
 * files beyond {@code keep} are deleted, so one client never holds more than
 * {@code (keep + 1) * fileSize} bytes plus one record.
 */
final class RotatingFiles {
    private final Function<String, Path> clientFolder;
    private final String base;
    private final long fileSize;
    private final int keep;
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    RotatingFiles(Function<String, Path> clientFolder, String base, long fileSize, int keep) {
        if (fileSize < 1) {
            throw new IllegalArgumentException("file-size < 1: " + fileSize);
        }
        if (keep < 0) {
            throw new IllegalArgumentException("keep-files < 0: " + keep);
        }
        this.clientFolder = clientFolder;
        this.base = base;
        this.fileSize = fileSize;
        this.keep = keep;
    }

    /** Appends {@code record} to the client's current file, rotating first when it would not fit. */
    void append(String client, byte[] record) throws IOException {
        Object lock = locks.computeIfAbsent(client, c -> new Object());
        synchronized (lock) {
            Path folder = clientFolder.apply(client);
            Path current = folder.resolve(base);
            long size = Files.exists(current) ? Files.size(current) : 0;
            if (size > 0 && size + record.length > fileSize) {
                rotate(folder, current);
            }
            try (FileChannel out = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap(record);
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        }
    }

    private void rotate(Path folder, Path current) throws IOException {
        List<Long> numbers = rotated(folder);
        long next = numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
        Files.move(current, folder.resolve(base + "." + next), StandardCopyOption.ATOMIC_MOVE);
        numbers.add(next);
        for (int i = 0; i < numbers.size() - keep; i++) {
            Files.deleteIfExists(folder.resolve(base + "." + numbers.get(i)));
        }
    }

    private List<Long> rotated(Path folder) throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, base + ".*")) {
            for (Path f : files) {
                String suffix = f.getFileName().toString().substring(base.length() + 1);
                try {
                    numbers.add(Long.parseLong(suffix));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        numbers.sort(null);
        return numbers;
    }
}
