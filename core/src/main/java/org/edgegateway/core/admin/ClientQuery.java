package org.edgegateway.core.admin;

import org.edgegateway.keys.ClientFilter;
import org.edgegateway.keys.Clients;

/**
 * A page of the clients list as an admin asks for it: which clients, in which order, and which rows
 * of that order. Immutable; checked when made (IllegalArgumentException naming the value).
 *
 * @param filter     the clients wanted; null for all
 * @param sort       null for {@link ClientSort#NAME}; ties go by name
 * @param offset     rows of the order to skip
 * @param limit      the page's size, 1 to {@value #MAX_LIMIT}
 */
public record ClientQuery(ClientFilter filter, ClientSort sort, boolean descending, int offset, int limit) {

    /** The largest page. */
    public static final int MAX_LIMIT = Clients.MAX_PAGE;

    public ClientQuery {
        filter = filter == null ? ClientFilter.ALL : filter;
        sort = sort == null ? ClientSort.NAME : sort;
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " is negative");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is not in 1.." + MAX_LIMIT);
        }
    }
}
