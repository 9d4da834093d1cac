package org.edgegateway.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ClientPage;
import org.edgegateway.core.admin.ClientQuery;
import org.edgegateway.core.admin.ClientSort;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.keys.ClientOrder;
import org.edgegateway.keys.ClientRecord;
import org.edgegateway.keys.Clients;
import org.edgegateway.keys.KeyStore;

/**
 * The clients list a page at a time, for {@link GatewayAdmin} and {@link OfflineAdmin}: the key store
 * filters, orders, counts and pages; the live state is joined to the page's rows only. Stateless.
 *
 * <p>Ordering by messages is the exception: the counts live in the router's memory, not in the store.
 * Then the store lists the names the filter holds (one column, by name), the gateway orders them by
 * their counts (ties by name) and reads the page's rows by name: one walk of the names per request,
 * the page's rows only read in full.
 */
final class ClientPages {

    private ClientPages() {
    }

    static ClientPage page(KeyStore store, ClientQuery query, LiveClients live) {
        if (query.sort() == ClientSort.MESSAGES && live.anyTraffic()) {
            return byMessages(store, query, live);
        }
        // Without traffic every count is 0, and ties go by name whichever the direction.
        boolean messages = query.sort() == ClientSort.MESSAGES;
        ClientOrder order = messages ? ClientOrder.NAME : query.sort().stored();
        Clients.Page p = GatewayAdmin.call(() -> store.clients().page(query.filter(), order,
                !messages && query.descending(), query.offset(), query.limit()));
        return ClientPage.of(query, p.clients().stream().map(live::view).toList(), p.total());
    }

    private static ClientPage byMessages(KeyStore store, ClientQuery query, LiveClients live) {
        List<String> names = new ArrayList<>(GatewayAdmin.call(() -> store.clients().names(query.filter())));
        Map<String, Long> counts = new HashMap<>();
        for (String n : names) {
            counts.put(n, live.messages(n));
        }
        Comparator<String> byCount = Comparator.comparing(counts::get);
        // A stable sort: names of equal counts stay in name order.
        names.sort(query.descending() ? byCount.reversed() : byCount);
        int from = Math.min(query.offset(), names.size());
        List<String> pageNames = names.subList(from, Math.min(names.size(), from + query.limit()));
        Map<String, ClientRecord> records = new HashMap<>();
        for (ClientRecord r : GatewayAdmin.call(() -> store.clients().byNames(pageNames))) {
            records.put(r.name(), r);
        }
        List<ClientView> views = new ArrayList<>(pageNames.size());
        for (String n : pageNames) {
            ClientRecord r = records.get(n);
            if (r != null) {
                views.add(live.view(r));
            }
        }
        return ClientPage.of(query, views, names.size());
    }
}
