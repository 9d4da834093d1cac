package org.edgegateway.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error answers (unknown path, bad request line, a failed handler) as
 * {@code {"error":CODE,"message":...}} with the security headers, never a stack trace or a server
 * version. Stateless and thread-safe.
 */
final class JsonErrorHandler implements Request.Handler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ErrorHandler.ERROR_STATUS) instanceof Integer s ? s : 500;
        String code = switch (status) {
            case 400 -> "BAD_REQUEST";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "TOO_LARGE";
            case 414, 431 -> "TOO_LARGE";
            case 500 -> "INTERNAL";
            default -> "HTTP_" + status;
        };
        String reason = HttpStatus.getMessage(status);
        String body = "{\"error\":\"" + code + "\",\"message\":\"" + (reason == null ? code : reason) + "\"}";
        SecurityHeaders.apply(response.getHeaders());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
