package org.edgegateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin UI's files, read once from the jar and served by exact path. Immutable and thread-safe.
 *
 * <p>A fixed list rather than a resource directory: nothing else on the class path (the key
 * store's database driver, its console) can ever be reached by a crafted path. The scripts are ES
 * modules ({@code app.js} imports those of {@code js/}); a browser runs a module only when it comes
 * with a JavaScript content type, and the CSP's {@code script-src 'self'} covers their imports.
 */
final class StaticAssets extends Handler.Abstract.NonBlocking {

    private static final String BASE = "/org/edgegateway/web/ui/";
    /** Every file of the UI, by its path below the UI's folder, which is also its URL path. */
    static final List<String> FILES = List.of(
            "index.html", "app.css", "favicon.svg", "app.js",
            "js/actions.js", "js/add-client.js", "js/admins.js", "js/alerts.js", "js/api.js", "js/audit.js",
            "js/chart.js", "js/client.js", "js/client-actions.js", "js/clients.js", "js/dashboard.js", "js/dom.js",
            "js/enrolment.js", "js/format.js", "js/messages.js",
            "js/plugins.js", "js/quarantine.js", "js/router.js", "js/session.js", "js/settings.js",
            "js/workers.js");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets;

    StaticAssets() {
        Map<String, Asset> loaded = new HashMap<>();
        for (String name : FILES) {
            loaded.put("/" + name, new Asset(contentType(name), load(name)));
        }
        loaded.put("/", loaded.get("/index.html"));
        this.assets = Map.copyOf(loaded);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        Asset asset = assets.get(request.getHttpURI().getPath());
        if (asset == null || !(method.equals("GET") || method.equals("HEAD"))) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
        if (method.equals("HEAD")) {
            response.write(true, null, callback);
        } else {
            response.write(true, ByteBuffer.wrap(asset.bytes()), callback);
        }
        return true;
    }

    private static String contentType(String name) {
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (type == null) {
            throw new IllegalStateException("admin UI file " + name + " has no known content type");
        }
        return type;
    }

    private static byte[] load(String name) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("admin UI file " + BASE + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read admin UI file " + BASE + name, e);
        }
    }
}
