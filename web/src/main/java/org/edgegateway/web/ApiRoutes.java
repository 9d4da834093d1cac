package org.edgegateway.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.pathmap.ServletPathSpec;
import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;

/**
 * Which {@link Endpoint} answers a method on a path, by Jetty's path mapping: one
 * {@link PathMappingsHandler} per method, each route a {@link UriTemplatePathSpec} such as
 * {@code /api/clients/{name}/revoke}. Filled before the server starts, read-only after: thread-safe.
 *
 * <p>Routes match {@link Request#getPathInContext}, which {@link ApiHandler} makes from the path's
 * segments as sent, each percent-encoded again so that no decoded character can add a segment;
 * a route's path variables are decoded once more before the endpoint sees them. The routes of one
 * method must not overlap: a path matches at most one of them.
 *
 * <p>A request no route takes is refused, as a JSON error through {@link ApiJson#fail}:
 * <ol>
 *   <li>405 when its path is one that takes a single other method ({@link #only});
 *   <li>else 404 naming the method and path, under the prefix of an {@link #area} (a resource whose
 *   paths take several methods);
 *   <li>else 404 naming the path, anywhere else under {@code /api}.
 * </ol>
 */
final class ApiRoutes extends Handler.AbstractContainer {

    private final Map<String, PathMappingsHandler> byMethod = new LinkedHashMap<>();
    private final List<String> declared = new ArrayList<>();
    private final PathMappingsHandler wrongMethod = new PathMappingsHandler.NoContext();
    private final PathMappingsHandler unknown = new PathMappingsHandler.NoContext();

    ApiRoutes() {
        super(false);
        addBean(wrongMethod);
        addBean(unknown);
        unknown.addMapping(new ServletPathSpec("/api/*"), refusal(request -> ApiException.notFound(
                "no such API endpoint: " + (Request.getPathInContext(request).equals("/api") ? "/api"
                        : request.getHttpURI().getPath()))));
    }

    /** {@code method} on {@code template} answered by {@code endpoint}; another method there falls to the 404s. */
    ApiRoutes on(String method, String template, Endpoint endpoint) {
        UriTemplatePathSpec spec = new UriTemplatePathSpec(template);
        byMethod.computeIfAbsent(method, m -> {
            PathMappingsHandler mappings = new PathMappingsHandler.NoContext();
            addBean(mappings);
            return mappings;
        }).addMapping(spec, new Route(spec, endpoint));
        declared.add(method + " " + template);
        return this;
    }

    /** Every route as {@code METHOD TEMPLATE}, in the order added (tests walk them). */
    List<String> declared() {
        return List.copyOf(declared);
    }

    /** As {@link #on}, the only method {@code template} takes: another is 405 naming this one. */
    ApiRoutes only(String method, String template, Endpoint endpoint) {
        return only(method, template, endpoint, other -> other + " is not allowed here; use " + method);
    }

    /** As {@link #only}, refusing another method with the message {@code refusal} makes of its name. */
    ApiRoutes only(String method, String template, Endpoint endpoint, UnaryOperator<String> refusal) {
        on(method, template, endpoint);
        wrongMethod.addMapping(new UriTemplatePathSpec(template), refusal(request ->
                new ApiException(405, "METHOD_NOT_ALLOWED", refusal.apply(request.getMethod()))));
        return this;
    }

    /** Paths under {@code prefix} that no route takes are 404 naming the method and the path. */
    ApiRoutes area(String prefix) {
        unknown.addMapping(new ServletPathSpec(prefix + "/*"), refusal(request -> ApiException.notFound(
                "no such API endpoint: " + request.getMethod() + " " + request.getHttpURI().getPath())));
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        PathMappingsHandler routes = byMethod.get(request.getMethod());
        if (routes != null && routes.handle(request, response, callback)) {
            return true;
        }
        return wrongMethod.handle(request, response, callback) || unknown.handle(request, response, callback);
    }

    @Override
    public List<Handler> getHandlers() {
        List<Handler> all = new ArrayList<>(byMethod.values());
        all.add(wrongMethod);
        all.add(unknown);
        return all;
    }

    /** A handler that refuses every request it gets with what {@code refusal} makes of it. */
    private static Handler refusal(Function<Request, ApiException> refusal) {
        return new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                throw refusal.apply(request);
            }
        };
    }

    /** One route: its template's variables decoded, its endpoint called, the answer written. */
    private static final class Route extends Handler.Abstract {
        private final UriTemplatePathSpec spec;
        private final Endpoint endpoint;

        Route(UriTemplatePathSpec spec, Endpoint endpoint) {
            this.spec = spec;
            this.endpoint = endpoint;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Map<String, String> params = new HashMap<>();
            spec.getPathParams(Request.getPathInContext(request)).forEach((k, v) -> params.put(k, URIUtil.decodePath(v)));
            ApiJson.answer(response, callback, endpoint.answer(new Exchange(request, response, params)));
            return true;
        }
    }
}
