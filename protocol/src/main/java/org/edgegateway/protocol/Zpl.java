package org.edgegateway.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ZeroMQ Property Language (ZPL, rfc.zeromq.org/spec/4) as CURVE certificates use it: the files
 * that czmq's {@code zcert}, pyzmq's {@code zmq.auth}, the gateway ({@code keys.ZCertFiles}) and the
 * sensor SDK read and write. This is the one reader and writer of that format in the project.
 * Stateless, thread-safe.
 *
 * <pre>
 * #   ZeroMQ CURVE Public Certificate
 * metadata
 *     name = "lab-3"
 * curve
 *     public-key = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
 * </pre>
 *
 * <p>Reading: blank lines and {@code #} comments are skipped, children are indented deeper than their
 * parent (spaces or tabs, as deep as the writer chose), line ends may be CRLF; a value is quoted
 * ({@code "..."} or {@code '...'}, nothing but a comment after it) or bare up to a {@code #}
 * comment.
 */
public final class Zpl {

    /** A {@code name = value} line: its path from the top ({@code "curve/public-key"}), value and line number. */
    public record Property(String path, String value, int line) {
    }

    /** A line that is not ZPL; {@link #line()} is 1-based. */
    public static final class FormatException extends IllegalArgumentException {
        private final int line;

        FormatException(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    private Zpl() {
    }

    /**
     * The properties of {@code text} in file order.
     *
     * @throws FormatException naming the line that is not ZPL
     */
    public static List<Property> parse(String text) {
        List<Property> properties = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].stripTrailing();
            int indent = 0;
            while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) {
                indent++;
            }
            String content = line.substring(indent);
            if (content.isEmpty() || content.startsWith("#")) {
                continue;
            }
            int eq = content.indexOf('=');
            String name = (eq < 0 ? content : content.substring(0, eq)).trim();
            if (name.isEmpty()) {
                throw new FormatException(number, "expected a name before '='");
            }
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                names.remove(names.size() - 1);
            }
            indents.add(indent);
            names.add(name);
            if (eq >= 0) {
                properties.add(new Property(String.join("/", names), value(number, content.substring(eq + 1)), number));
            }
        }
        return properties;
    }

    private static String value(int number, String raw) {
        String v = raw.trim();
        if (v.isEmpty()) {
            return "";
        }
        char q = v.charAt(0);
        if (q != '"' && q != '\'') {
            int comment = v.indexOf(" #");
            return comment < 0 ? v : v.substring(0, comment).trim();
        }
        int close = v.indexOf(q, 1);
        if (close < 0) {
            throw new FormatException(number, "quoted value has no closing " + q);
        }
        String rest = v.substring(close + 1).trim();
        if (!rest.isEmpty() && !rest.startsWith("#")) {
            throw new FormatException(number, "unexpected text after the quoted value");
        }
        return v.substring(1, close);
    }

    /**
     * The text of a certificate in czmq's layout: a banner naming {@code generated} (an ISO-8601 time),
     * a {@code metadata} section with {@code metadata}'s entries quoted, and a {@code curve} section
     * with the public key and, for a secret certificate ({@code secretZ85} not null), the secret key.
     * Names and values must already be valid (no quote, no line break).
     */
    public static String certificate(String generated, Map<String, String> metadata, String publicZ85,
                                     String secretZ85) {
        StringBuilder b = new StringBuilder("#   ****  Generated on ").append(generated).append(" by Edge Gateway  ****\n");
        if (secretZ85 == null) {
            b.append("""
                    #   ZeroMQ CURVE Public Certificate
                    #   Exchange securely, or use a secure mechanism to verify the contents
                    #   of this file after exchange. Store public certificates in your home
                    #   directory, in the .curve subdirectory.

                    """);
        } else {
            b.append("""
                    #   ZeroMQ CURVE **Secret** Certificate
                    #   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

                    """);
        }
        b.append("metadata\n");
        metadata.forEach((k, v) -> b.append("    ").append(k).append(" = \"").append(v).append("\"\n"));
        b.append("curve\n");
        b.append("    public-key = \"").append(publicZ85).append("\"\n");
        if (secretZ85 != null) {
            b.append("    secret-key = \"").append(secretZ85).append("\"\n");
        }
        return b.toString();
    }
}
