package org.edgegateway.uplink;

import java.util.Set;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HandlerLookup} that queues for the upstream what the local handlers accepted. Thread-safe,
 * as the lookup it wraps.
 *
 * <p>A forwarded type keeps its local handler's lane, but never runs inline: appending to the queue is
 * disk I/O. Its handler does, on the lane's thread: reserve room in the
 * {@link UplinkQueue} (none: answer {@code BUSY} without running the local handler, so the sensor's
 * retry is not processed twice locally); run the local handler; if it ACKed, append the message to
 * the queue, committed on disk, and only then let the ACK go to the sensor. A refusal by the local
 * handler is answered as it is and not forwarded. The {@value UplinkEnvelope#TYPE} type itself is never
 * forwarded again.
 */
public final class ForwardingHandlers implements HandlerLookup {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingHandlers.class);

    private final HandlerLookup delegate;
    private final UplinkQueue queue;
    private final UplinkConfig config;

    public ForwardingHandlers(HandlerLookup delegate, UplinkQueue queue, UplinkConfig config) {
        if (delegate == null || queue == null || config == null) {
            throw new IllegalArgumentException("forwarding handlers: delegate, queue and config are required");
        }
        this.delegate = delegate;
        this.queue = queue;
        this.config = config;
    }

    @Override
    public Route route(String type) {
        Route r = delegate.route(type);
        if (r == null || type.equals(UplinkEnvelope.TYPE) || !config.forwards(type)) {
            return r;
        }
        return r.wrap(new Forwarding(r.handler()), false);
    }

    @Override
    public Set<String> types() {
        return delegate.types();
    }

    @Override
    public long version() {
        return delegate.version();
    }

    /** One local handler followed by the queue. Thread-safe. */
    private final class Forwarding implements MessageHandler {
        private final MessageHandler local;

        Forwarding(MessageHandler local) {
            this.local = local;
        }

        @Override
        public Set<String> types() {
            return local.types();
        }

        @Override
        public HandlerResult handle(HandlerMessage message) throws Exception {
            if (!queue.reserve()) {
                return HandlerResult.busy("the uplink queue is full (" + queue.capacity() + " messages); retry later");
            }
            boolean appended = false;
            try {
                HandlerResult result = local.handle(message);
                if (result == null || !result.isAck()) {
                    return result;
                }
                queue.append(message);
                appended = true;
                return result;
            } catch (UplinkException e) {
                LOG.error("uplink: {}", e.getMessage());
                return HandlerResult.failed("accepted but could not be queued for the upstream");
            } finally {
                if (!appended) {
                    queue.release();
                }
            }
        }

        @Override
        public void stop() throws Exception {
            local.stop();
        }
    }
}
