package org.edgegateway.core.admin;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.edgegateway.keys.ClientOrder;

/**
 * What the clients list may be sorted by. Every order but {@link #MESSAGES} is a stored column the
 * key store sorts by; the message counts live in the running gateway's memory, so that order is
 * made in the gateway from the matching names (see {@link AdminService#clientPage}).
 */
public enum ClientSort {
    NAME("name", ClientOrder.NAME),
    STATUS("status", ClientOrder.STATUS),
    LAST_SEEN("lastSeen", ClientOrder.LAST_SEEN),
    ENROLLED_AT("enrolledAt", ClientOrder.ENROLLED_AT),
    MESSAGES("messages", null);

    private final String label;
    private final ClientOrder stored;

    ClientSort(String label, ClientOrder stored) {
        this.label = label;
        this.stored = stored;
    }

    /** The name the API and the CLI use: {@code name}, {@code status}, {@code lastSeen}, {@code enrolledAt}, {@code messages}. */
    @JsonValue
    public String label() {
        return label;
    }

    /** The key store's order, or null for {@link #MESSAGES}. */
    public ClientOrder stored() {
        return stored;
    }

    /** The sort whose {@link #label()} is {@code text}; else IllegalArgumentException naming the allowed ones. */
    public static ClientSort parse(String text) {
        for (ClientSort s : values()) {
            if (s.label.equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("sort '" + text + "' is not one of "
                + Arrays.stream(values()).map(ClientSort::label).collect(Collectors.joining(", ")));
    }
}
