package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A key store for one test: an H2 file under a fresh temporary folder, on a clock the test moves,
 * opened when the fixture is made and closed and deleted after the test. A test class registers it
 * on an instance field, so that each test gets its own:
 *
 * <pre>{@code
 * @RegisterExtension
 * final StoreFixture fx = new StoreFixture(T0);
 * private final KeyStore store = fx.store();
 * }</pre>
 *
 * Not thread-safe (the store it hands out is).
 */
final class StoreFixture implements AfterEachCallback {

    private final MutableClock clock;
    private final Path dir;
    private KeyStore store;

    StoreFixture(Instant start) {
        clock = new MutableClock(start);
        try {
            dir = Files.createTempDirectory("keystore-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        store = KeyStore.open(url(), clock);
    }

    /** The store, as last opened. */
    KeyStore store() {
        return store;
    }

    MutableClock clock() {
        return clock;
    }

    /** The temporary folder; the store is in its {@code data} folder. */
    Path dir() {
        return dir;
    }

    /** The store's URL. */
    String url() {
        return KeyStore.fileUrl(dir.resolve("data"));
    }

    /** Closes the store (if it is open) and opens it again from its file. */
    KeyStore reopen() {
        store.close();
        store = KeyStore.open(url(), clock);
        return store;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** A fresh CURVE public key, in Z85. */
    static String key() {
        return CurveKeyPair.generate().publicZ85();
    }

    /** Asserts that {@code call} fails with a {@link KeyStoreException} of {@code reason} and {@code message}. */
    static void assertFails(ThrowingCallable call, KeyStoreException.Reason reason, String message) {
        assertFailsWith(call, reason).hasMessage(message);
    }

    /** Asserts that {@code call} fails with a {@link KeyStoreException} of {@code reason} naming {@code part}. */
    static void assertFailsContaining(ThrowingCallable call, KeyStoreException.Reason reason, String part) {
        assertFailsWith(call, reason).hasMessageContaining(part);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFailsWith(ThrowingCallable call,
                                                                                 KeyStoreException.Reason reason) {
        return assertThatThrownBy(call).isInstanceOfSatisfying(KeyStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
