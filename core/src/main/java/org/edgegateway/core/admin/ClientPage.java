package org.edgegateway.core.admin;

import java.util.List;

/**
 * One page of the clients list, as {@link ClientQuery} asked for it.
 *
 * @param clients the page's clients in order, each joined with its live state
 * @param total   how many clients the query's filter holds, on every page
 * @param order   {@code asc} or {@code desc}
 */
public record ClientPage(List<ClientView> clients, int total, int offset, int limit, ClientSort sort, String order) {

    public ClientPage {
        clients = List.copyOf(clients);
    }

    /** The page {@code query} asked for, holding {@code clients} of {@code total}. */
    public static ClientPage of(ClientQuery query, List<ClientView> clients, int total) {
        return new ClientPage(clients, total, query.offset(), query.limit(), query.sort(),
                query.descending() ? "desc" : "asc");
    }
}
