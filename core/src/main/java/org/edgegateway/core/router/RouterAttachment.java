package org.edgegateway.core.router;

/**
 * A socket served by the router's own loop, beside the ROUTER: no thread of its own, so handing a call
 * to it and taking its answer back cost no wake-up (the external workers' socket is one). Every method
 * is called on the router thread (which may change when the watchdog takes over an overrunning inline
 * call; never two at once).
 */
public interface RouterAttachment {

    /** Once, before the first {@link #turn}: registers the socket's descriptor with the router's bell. */
    void attached(Doorbell bell);

    /**
     * One turn of the router's loop: reads what is ready, sends what waits, keeps its timers.
     *
     * @return {@link System#nanoTime()} of its next timer, or {@link Long#MAX_VALUE} for none
     */
    long turn(long now);

    /** Whether a turn would find work now; asked just before the router sleeps. Must not block. */
    boolean workWaiting();

    /** The router's loop ends: close the socket. */
    void detached();
}
