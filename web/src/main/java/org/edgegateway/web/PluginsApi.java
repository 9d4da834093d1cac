package org.edgegateway.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.plugins.PluginInfo;
import org.edgegateway.core.plugins.PluginState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/plugins}: plugins listed, uploaded, started, stopped, reloaded and unloaded.
 * Thread-safe: the admin service is, and uploads are bounded by a semaphore.
 *
 * <p>An upload is bounded and parsed by {@link PluginUpload} and held in memory while it is
 * checked, so at most two are under way at once (503 {@code BUSY} beyond). It is multipart, within
 * a cross-site form's reach: {@link ApiGate} still wants a session's CSRF header, which a form
 * cannot send.
 */
final class PluginsApi {

    private static final Logger LOG = LoggerFactory.getLogger(PluginsApi.class);
    private static final String PLUGIN_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    private final AdminService admin;
    private final long maxUpload;
    private final Semaphore uploads = new Semaphore(2);

    /** {@code maxUpload}: the largest upload body, in bytes (413 beyond). */
    PluginsApi(AdminService admin, long maxUpload) {
        this.admin = admin;
        this.maxUpload = maxUpload;
    }

    void addTo(ApiRoutes routes) {
        routes.area("/api/plugins")
                .on("GET", "/api/plugins", x -> admin.plugins().stream().map(PluginView::of).toList())
                .on("POST", "/api/plugins", x -> new Endpoint.Created(PluginView.of(upload(x))))
                .only("GET", "/api/plugins/{id}", x -> PluginView.of(require(x.param("id"))));
        Map.of("start", AdminService.PluginAction.START, "stop", AdminService.PluginAction.STOP,
                "reload", AdminService.PluginAction.RELOAD, "unload", AdminService.PluginAction.UNLOAD)
                .forEach((verb, action) -> routes.only("POST", "/api/plugins/{id}/" + verb, x -> control(x, action)));
    }

    /** A plugin as shown to admins: its file's name, never the gateway's folders. */
    record PluginView(String id, String version, String provider, String fileName, boolean builtin,
                      List<String> types, PluginState state, String reason, String publisher) {
        static PluginView of(PluginInfo p) {
            return new PluginView(p.id(), p.version(), p.provider(),
                    p.file() == null || p.file().getFileName() == null ? "" : p.file().getFileName().toString(),
                    p.builtin(), p.types().stream().sorted().toList(), p.state(), p.reason(), p.publisher());
        }
    }

    private Object control(Exchange x, AdminService.PluginAction action) {
        String id = require(x.param("id")).id();
        PluginInfo info = admin.controlPlugin(id, action, x.actor());
        if (action == AdminService.PluginAction.UNLOAD) {
            return Map.of("unloaded", id);
        }
        return PluginView.of(info);
    }

    /** The installed plugin {@code id}, or 400 for a malformed id and 404 for an unknown one. */
    private PluginInfo require(String id) {
        if (!id.matches(PLUGIN_ID)) {
            throw ApiException.badRequest("plugin id '" + PluginUpload.abbreviate(id) + "' is not 1 to 128 characters of"
                    + " A-Z a-z 0-9 . _ -");
        }
        return admin.plugins().stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no plugin '" + id + "'"));
    }

    private PluginInfo upload(Exchange x) throws IOException {
        if (!uploads.tryAcquire()) {
            throw new ApiException(503, "BUSY", "other plugin uploads are running; try again");
        }
        try {
            PluginUpload upload = PluginUpload.read(x.request(), maxUpload);
            LOG.info("admin web: {} uploads plugin {}", x.caller().name(), upload);
            return admin.installPlugin(upload.fileName(), upload.plugin(), upload.signature(), x.actor());
        } finally {
            uploads.release();
        }
    }
}
