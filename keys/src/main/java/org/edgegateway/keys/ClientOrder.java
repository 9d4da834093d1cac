package org.edgegateway.keys;

/** The stored columns a page of clients may be ordered by ({@link Clients#page}); ties go by name. */
public enum ClientOrder {
    NAME("name"),
    STATUS("status"),
    LAST_SEEN("last_seen"),
    ENROLLED_AT("enrolled_at");

    /** The column: a constant, never text from a caller. */
    final String column;

    ClientOrder(String column) {
        this.column = column;
    }
}
