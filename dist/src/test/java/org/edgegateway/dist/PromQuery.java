package org.edgegateway.dist;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names a PromQL expression refers to, enough to check a dashboard's queries
 * against what a gateway exports: label matchers, grouping clauses and {@code label_values}
 * name labels; every other name not called as a function and not an operator word names a metric.
 */
final class PromQuery {
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES =
            Pattern.compile("label_values\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*)\\s*,\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)");
    private static final Pattern NAME = Pattern.compile("(?<![\\w$.])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");
    private static final Set<String> WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2");

    final Set<String> metrics = new TreeSet<>();
    final Set<String> labels = new TreeSet<>();

    private PromQuery() {
    }

    /** The names in {@code expr}, a query of a panel or a template variable. */
    static PromQuery parse(String expr) {
        PromQuery q = new PromQuery();
        String rest = expr;
        Matcher values = LABEL_VALUES.matcher(rest);
        while (values.find()) {
            q.metrics.add(values.group(1));
            q.labels.add(values.group(2));
        }
        rest = values.replaceAll(" ");
        Matcher m = MATCHERS.matcher(rest);
        while (m.find()) {
            Matcher label = MATCHER_LABEL.matcher(STRING.matcher(m.group(1)).replaceAll("\"\""));
            while (label.find()) {
                q.labels.add(label.group(1));
            }
        }
        rest = STRING.matcher(m.replaceAll(" ")).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        Matcher g = GROUPING.matcher(rest);
        while (g.find()) {
            for (String label : g.group(1).split(",")) {
                if (!label.isBlank()) {
                    q.labels.add(label.strip());
                }
            }
        }
        rest = g.replaceAll(" ");
        Matcher n = NAME.matcher(rest);
        while (n.find()) {
            if (n.group(2) == null && !WORDS.contains(n.group(1).toLowerCase(java.util.Locale.ROOT))) {
                q.metrics.add(n.group(1));
            }
        }
        return q;
    }
}
