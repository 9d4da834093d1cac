package org.edgegateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * A plugin upload read from a {@code multipart/form-data} request: part {@code plugin} (the zip or
 * jar, its file name kept), optional part {@code signature} (its {@code .sig} file), optional field
 * {@code fileName}. Immutable; {@link #read} is stateless and thread-safe.
 *
 * <p>The body is bounded before it is parsed: a {@code Content-Length} over the limit is refused
 * with 413 before a byte is read, and a body without one is read to the limit and no further. Every
 * refusal is an {@link ApiException} whose message names the part or value at fault.
 *
 * @param signature the signature file's content, or null when none was sent
 */
record PluginUpload(String fileName, byte[] plugin, byte[] signature) {

    static final int MAX_SIGNATURE = 16 * 1024;
    private static final String FILE_NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.(zip|jar)";

    /** Reads and checks the upload of {@code request}, holding at most {@code maxBytes} of body in memory. */
    static PluginUpload read(Request request, long maxBytes) throws IOException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE",
                    "send the plugin as multipart/form-data with the parts plugin and signature");
        }
        String boundary = MultiPart.extractBoundary(contentType);
        if (boundary == null || boundary.isEmpty()) {
            throw ApiException.badRequest("multipart/form-data without a boundary");
        }
        long length = request.getLength();
        if (length > maxBytes) {
            throw tooLarge("upload of " + length + " bytes is over the limit of " + maxBytes + " bytes");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(request)) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxBytes + 1));
        }
        if (body.length > maxBytes) {
            throw tooLarge("upload is over the limit of " + maxBytes + " bytes");
        }
        return parse(boundary, body, maxBytes);
    }

    private static PluginUpload parse(String boundary, byte[] body, long maxBytes) throws IOException {
        MultiPartFormData.Parser parser = new MultiPartFormData.Parser(boundary);
        parser.setMaxParts(8);
        parser.setMaxLength(maxBytes);
        parser.setMaxFileSize(maxBytes);
        parser.setMaxMemoryFileSize(maxBytes);  // parts stay in memory: never a temporary file
        parser.setPartHeadersMaxLength(8 * 1024);
        byte[] plugin = null;
        byte[] signature = null;
        String fileName = null;
        String fieldName = null;
        try (MultiPartFormData.Parts parts = parser.parse(Content.Source.from(ByteBuffer.wrap(body)))
                .get(30, TimeUnit.SECONDS)) {
            for (MultiPart.Part part : parts) {
                String name = part.getName() == null ? "" : part.getName();
                switch (name) {
                    case "plugin" -> {
                        plugin = bytesOf(part);
                        fileName = baseName(part.getFileName());
                    }
                    case "signature" -> signature = bytesOf(part);
                    case "fileName" -> fieldName = part.getContentAsString(StandardCharsets.UTF_8).strip();
                    default -> throw ApiException.badRequest("unknown part '" + abbreviate(name)
                            + "'; known parts: plugin, signature, fileName");
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.badRequest("malformed multipart/form-data body");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "BUSY", "interrupted");
        }
        if (plugin == null || plugin.length == 0) {
            throw ApiException.badRequest("the part 'plugin' with the plugin file is required");
        }
        if (signature != null && signature.length == 0) {
            signature = null;
        }
        if (signature != null && signature.length > MAX_SIGNATURE) {
            throw tooLarge("the signature is " + signature.length + " bytes; a .sig file is under " + MAX_SIGNATURE);
        }
        if (fieldName != null && !fieldName.isEmpty()) {
            fileName = fieldName;
        }
        if (fileName == null || !fileName.matches(FILE_NAME)) {
            throw ApiException.badRequest("plugin file name must be NAME.zip or NAME.jar with A-Z a-z 0-9 . _ -,"
                    + " got '" + abbreviate(fileName == null ? "" : fileName) + "'");
        }
        return new PluginUpload(fileName, plugin, signature);
    }

    private static byte[] bytesOf(MultiPart.Part part) throws IOException {
        ByteBuffer buffer = Content.Source.asByteBuffer(part.getContentSource());
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    /** A browser may send a full path as the file name: keep its last segment. */
    private static String baseName(String fileName) {
        if (fileName == null) {
            return null;
        }
        int cut = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        return fileName.substring(cut + 1).strip();
    }

    static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    private static ApiException tooLarge(String message) {
        return new ApiException(413, "TOO_LARGE", message);
    }

    @Override
    public String toString() {
        return "PluginUpload[" + fileName + ", " + plugin.length + " bytes, "
                + (signature == null ? "unsigned" : "signature of " + signature.length + " bytes") + "]";
    }
}
