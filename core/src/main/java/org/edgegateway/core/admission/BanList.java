package org.edgegateway.core.admission;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.zap.ZapHandler;

/**
 * Address bans at the ZAP layer. Thread-safe: the ZAP thread asks and reports failures, the socket
 * owners report abandoned handshakes, admin threads list and remove; one lock guards the tables and
 * no callback runs under it.
 *
 * <p>What counts is what an attacker does, never what a site of enrolled sensors does when it
 * reconnects at once (a NAT or a cellular router puts them all behind one address):
 * <ul>
 * <li>{@link #failed}: a failed authentication (unknown key, wrong mechanism, malformed
 * credentials), counted against {@code banAuthFailures} within {@code banAuthWindow};</li>
 * <li>{@link #abandoned}: a connection that ended before the ZAP handler decided on it (a malformed
 * greeting, a handshake dropped or stalled past its time limit), counted against
 * {@code banHandshakes} within {@code banHandshakeWindow}.</li>
 * </ul>
 * Successful handshakes of enrolled keys do not count, whatever their number; refusals of revoked
 * or quarantined keys do not either: a key that reconnects in a loop is that key's problem and is
 * quarantined by {@link HandshakeLoops}, not its neighbours'. {@link #banned} is asked first for
 * every handshake and only looks: a banned address is refused without a key look-up.
 *
 * <p>Memory is bounded, since an attacker chooses how many addresses it comes from: the counters
 * live in a table of at most {@code banTrackedAddresses} entries that forgets the least recently
 * seen address first (an attacker can make the table forget partial counts, never a ban), and at
 * most as many bans are held, the oldest dropped first. Loopback is exempt only when configured.
 */
public final class BanList implements ZapHandler.AddressGate {
    private final AdmissionConfig config;
    private final Clock clock;
    private final Consumer<BanView> onBan;
    private final int capacity;
    private final Map<String, Tracker> tracked;
    private final Map<String, Ban> bans = new LinkedHashMap<>();

    /**
     * @param onBan told of each new ban, outside the lock, on the reporting thread (must not block)
     */
    public BanList(AdmissionConfig config, Clock clock, Consumer<BanView> onBan) {
        this.config = config;
        this.clock = clock;
        this.onBan = onBan;
        this.capacity = config.banTrackedAddresses();
        this.tracked = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tracker> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Whether {@code address} is banned now. Counts nothing. */
    @Override
    public boolean banned(String address) {
        if (address == null || address.isEmpty() || exempt(address)) {
            return false;
        }
        Instant now = clock.instant();
        synchronized (this) {
            Ban ban = bans.get(address);
            if (ban == null) {
                return false;
            }
            if (now.isBefore(ban.until)) {
                ban.refusals++;
                return true;
            }
            bans.remove(address);
            return false;
        }
    }

    /**
     * Reports a connection from {@code address} that ended before the ZAP handler decided on it (a
     * malformed greeting, a dropped or stalled handshake); may ban the address.
     */
    public void abandoned(String address) {
        count(address, t -> t.handshakes, config.banHandshakes(), "failed or abandoned handshakes",
                config.banHandshakeWindow());
    }

    /** Reports a failed authentication from {@code address}; may ban it. */
    public void failed(String address) {
        count(address, t -> t.failures, config.banAuthFailures(), "failed authentications", config.banAuthWindow());
    }

    /** Counts one event in {@code address}'s window {@code which}; bans the address at {@code threshold}. */
    private void count(String address, java.util.function.Function<Tracker, SlidingWindowCounter> which,
                       int threshold, String what, java.time.Duration window) {
        if (address == null || address.isEmpty() || exempt(address)) {
            return;
        }
        Instant now = clock.instant();
        long ms = now.toEpochMilli();
        BanView added;
        synchronized (this) {
            Ban ban = bans.get(address);
            if (ban != null && now.isBefore(ban.until)) {
                return;
            }
            double events = which.apply(tracker(address, ms)).add(ms);
            if (events < threshold) {
                return;
            }
            added = ban(address, now, (long) events + " " + what + " within " + window.toSeconds() + " s");
        }
        onBan.accept(added);
    }

    /** The bans in force, oldest first. */
    public synchronized List<BanView> list() {
        Instant now = clock.instant();
        List<BanView> out = new ArrayList<>();
        for (Iterator<Ban> it = bans.values().iterator(); it.hasNext(); ) {
            Ban b = it.next();
            if (now.isBefore(b.until)) {
                out.add(b.view());
            } else {
                it.remove();
            }
        }
        out.sort(Comparator.comparing(BanView::since));
        return out;
    }

    /** Lifts the ban on {@code address} and forgets its counts; false when it was not banned. */
    public synchronized boolean remove(String address) {
        tracked.remove(address);
        Ban b = bans.remove(address);
        return b != null && clock.instant().isBefore(b.until);
    }

    /** Addresses with counters now; never above {@code banTrackedAddresses}. */
    public synchronized int trackedAddresses() {
        return tracked.size();
    }

    private Tracker tracker(String address, long ms) {
        Tracker t = tracked.get(address);
        if (t == null) {
            t = new Tracker(config, ms);
            tracked.put(address, t);
        }
        return t;
    }

    private BanView ban(String address, Instant now, String reason) {
        tracked.remove(address);
        if (bans.size() >= capacity) {
            Iterator<Ban> oldest = bans.values().iterator();
            oldest.next();
            oldest.remove();
        }
        Ban b = new Ban(address, reason, now, now.plus(config.banDuration()));
        bans.put(address, b);
        return b.view();
    }

    /** Whether {@code address} is loopback and loopback is exempt by configuration. */
    boolean exempt(String address) {
        return config.banExemptLoopback() && isLoopback(address);
    }

    static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1")
                || address.startsWith("::ffff:127.");
    }

    /** Counters of one address. Guarded by the list's lock. */
    private static final class Tracker {
        final SlidingWindowCounter handshakes;
        final SlidingWindowCounter failures;

        Tracker(AdmissionConfig config, long ms) {
            handshakes = new SlidingWindowCounter(config.banHandshakeWindow().toMillis(), ms);
            failures = new SlidingWindowCounter(config.banAuthWindow().toMillis(), ms);
        }
    }

    /** One ban. Guarded by the list's lock. */
    private static final class Ban {
        final String address;
        final String reason;
        final Instant since;
        final Instant until;
        long refusals;

        Ban(String address, String reason, Instant since, Instant until) {
            this.address = address;
            this.reason = reason;
            this.since = since;
            this.until = until;
        }

        BanView view() {
            return new BanView(address, reason, since, until, refusals);
        }
    }
}
