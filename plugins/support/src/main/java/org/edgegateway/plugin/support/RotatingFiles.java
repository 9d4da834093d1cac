package org.edgegateway.plugin.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Appends records to one current file per client and rotates it by size. Thread-safe: appends to
 * one client's file are serialised, different clients' files are written in parallel.
 *
 * <p>The current file is {@code <client folder>/<base>}; when a record would take it past
 * {@code fileSize} it is renamed {@code <base>.<n>} with a growing {@code n}, and the oldest rotated
 * files beyond {@code keep} are deleted, so one client never holds more than
 * {@code (keep + 1) * fileSize} bytes plus one record.
 *
 * <p>Each client's file stays open between appends (an append is one write, not an open, a write
 * and a close); {@link #closeIdle} closes files not written for a while (call it from the plugin's
 * scheduler) and {@link #close} closes them all (call it from the handler's {@code stop()}). A file
 * closed under an append (the gateway interrupts a call past its time limit, which closes an
 * interruptible channel) is opened again by the next append.
 */
public final class RotatingFiles implements AutoCloseable {
    private final Function<String, Path> clientFolder;
    private final String base;
    private final long fileSize;
    private final int keep;
    private final ConcurrentMap<String, Current> open = new ConcurrentHashMap<>();

    /** The open current file of one client; guarded by itself. */
    private static final class Current {
        FileChannel channel;
        Path folder;
        long size;
        long lastWrite;
    }

    /**
     * @param clientFolder the folder of a client, created if missing (e.g. {@code context::clientFolder})
     * @param base         the current file's name, e.g. {@code messages.jsonl}
     */
    public RotatingFiles(Function<String, Path> clientFolder, String base, long fileSize, int keep) {
        if (fileSize < 1) {
            throw new IllegalArgumentException("file-size < 1: " + fileSize);
        }
        if (keep < 0) {
            throw new IllegalArgumentException("keep-files < 0: " + keep);
        }
        if (base == null || base.isBlank() || base.contains("/")) {
            throw new IllegalArgumentException("file name must be a plain name: " + base);
        }
        this.clientFolder = clientFolder;
        this.base = base;
        this.fileSize = fileSize;
        this.keep = keep;
    }

    /**
     * Files sized by a plugin's settings {@code file-size} (bytes, default {@code defaultFileSize}) and
     * {@code keep-files} (default 9), whose idle files {@code scheduler} closes: those of clients not
     * written to for a minute, checked every minute.
     */
    public static RotatingFiles fromSettings(Function<String, Path> clientFolder, String base,
                                             Map<String, String> settings, long defaultFileSize,
                                             ScheduledExecutorService scheduler) {
        RotatingFiles files = new RotatingFiles(clientFolder, base,
                PluginSettings.wholeNumber(settings, "file-size", defaultFileSize),
                (int) Math.min(Integer.MAX_VALUE, PluginSettings.wholeNumber(settings, "keep-files", 9)));
        long idle = TimeUnit.MINUTES.toNanos(1);
        scheduler.scheduleWithFixedDelay(() -> files.closeIdle(idle), 1, 1, TimeUnit.MINUTES);
        return files;
    }

    /** Appends {@code record} to the client's current file, rotating first when it would not fit. */
    public void append(String client, byte[] record) throws IOException {
        Current c = open.computeIfAbsent(client, k -> new Current());
        synchronized (c) {
            if (c.channel == null || !c.channel.isOpen()) {
                openCurrent(client, c);
            }
            if (c.size > 0 && c.size + record.length > fileSize) {
                c.channel.close();
                rotate(c.folder, c.folder.resolve(base));
                openCurrent(client, c);
            }
            ByteBuffer b = ByteBuffer.wrap(record);
            try {
                while (b.hasRemaining()) {
                    c.channel.write(b);
                }
            } catch (ClosedChannelException e) {
                // Interrupted (or closed by closeIdle) mid-write: the next append opens the file again.
                c.channel = null;
                throw e;
            }
            c.size += record.length;
            c.lastWrite = System.nanoTime();
        }
    }

    private void openCurrent(String client, Current c) throws IOException {
        c.folder = clientFolder.apply(client);
        c.channel = FileChannel.open(c.folder.resolve(base), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        c.size = c.channel.size();
    }

    /** Closes the files of clients that have not been written to for {@code idleNanos}. */
    public void closeIdle(long idleNanos) {
        long now = System.nanoTime();
        for (Current c : open.values()) {
            synchronized (c) {
                if (c.channel != null && now - c.lastWrite > idleNanos) {
                    closeQuietly(c);
                }
            }
        }
    }

    /** Closes every open file; appends after this open them again. */
    @Override
    public void close() {
        for (Current c : open.values()) {
            synchronized (c) {
                closeQuietly(c);
            }
        }
    }

    /** Files open now, for tests and metrics. */
    public int openFiles() {
        int n = 0;
        for (Current c : open.values()) {
            synchronized (c) {
                if (c.channel != null && c.channel.isOpen()) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void closeQuietly(Current c) {
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException e) {
                // nothing was pending: every append wrote through before returning
            }
            c.channel = null;
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
