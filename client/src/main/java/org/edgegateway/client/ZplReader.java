package org.edgegateway.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the ZeroMQ Property Language (ZPL, rfc.zeromq.org/spec/4) files that czmq's {@code zcert}
 * and pyzmq's {@code zmq.auth} write for CURVE certificates. Only reading, only what certificates
 * use: sections and {@code name = "value"} pairs nested by four-space indentation, {@code #}
 * comments. Stateless, thread-safe.
 */
final class ZplReader {

    private ZplReader() {
    }

    /**
     * The properties of a ZPL file as {@code "section/name" -> value} (for example
     * {@code "curve/public-key"}). Values are returned without their quotes.
     *
     * @throws BundleException when the file cannot be read or a line is not ZPL
     */
    static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BundleException("cannot read certificate " + file + ": " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> path = new ArrayList<>();
        int number = 0;
        for (String raw : lines) {
            number++;
            String line = stripComment(raw).stripTrailing();
            if (line.isBlank()) {
                continue;
            }
            int indent = 0;
            while (indent < line.length() && line.charAt(indent) == ' ') {
                indent++;
            }
            if (indent % 4 != 0 || indent / 4 > path.size()) {
                throw new BundleException(source + " line " + number + ": bad indentation (ZPL uses 4 spaces per level)");
            }
            String body = line.substring(indent);
            int equals = body.indexOf('=');
            String name = (equals < 0 ? body : body.substring(0, equals)).strip();
            if (name.isEmpty() || !name.matches("[A-Za-z0-9$\\-_@.&+/]+")) {
                throw new BundleException(source + " line " + number + ": bad property name");
            }
            while (path.size() > indent / 4) {
                path.remove(path.size() - 1);
            }
            path.add(name);
            if (equals >= 0) {
                properties.put(String.join("/", path), unquote(body.substring(equals + 1).strip(), source, number));
            }
        }
        return properties;
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == quote) {
                quoted = false;
            } else if (!quoted && (c == '"' || c == '\'')) {
                quoted = true;
                quote = c;
            } else if (!quoted && c == '#') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static String unquote(String value, String source, int number) {
        if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'')) {
            if (value.charAt(value.length() - 1) != value.charAt(0)) {
                throw new BundleException(source + " line " + number + ": unterminated quoted value");
            }
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
