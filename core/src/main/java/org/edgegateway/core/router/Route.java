package org.edgegateway.core.router;

import org.edgegateway.plugin.api.MessageHandler;

/**
 * What serves one message type: the handler to call and the {@link Lane} it belongs to. Immutable;
 * built when a plugin starts (or a handler set is fixed), never per message.
 *
 * <p>A call runs inline on the router thread when the handler declared itself
 * {@linkplain MessageHandler#nonBlocking() non-blocking} and its lane has not been demoted for
 * overrunning; otherwise it is handed to the lane's threads.
 */
public final class Route {
    private final Lane lane;
    private final MessageHandler handler;
    private final boolean nonBlocking;

    public Route(Lane lane, MessageHandler handler, boolean nonBlocking) {
        if (lane == null || handler == null) {
            throw new IllegalArgumentException("route: lane and handler are required");
        }
        this.lane = lane;
        this.handler = handler;
        this.nonBlocking = nonBlocking;
    }

    /** The handler on its lane, inline if it says it never blocks. */
    public static Route of(Lane lane, MessageHandler handler) {
        return new Route(lane, handler, handler.nonBlocking());
    }

    public Lane lane() {
        return lane;
    }

    public MessageHandler handler() {
        return handler;
    }

    public boolean nonBlocking() {
        return nonBlocking;
    }

    /** The same lane with another handler in front (e.g. one that forwards what the first accepted). */
    public Route wrap(MessageHandler wrapper, boolean wrapperNonBlocking) {
        return new Route(lane, wrapper, wrapperNonBlocking);
    }

    boolean inline() {
        return nonBlocking && !lane.demoted();
    }

    @Override
    public String toString() {
        return "Route[" + lane.name() + (nonBlocking ? ", non-blocking" : "") + "]";
    }
}
