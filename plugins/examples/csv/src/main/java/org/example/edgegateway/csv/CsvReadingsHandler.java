package org.example.edgegateway.csv;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.edgegateway.plugin.api.PluginContext;
import org.pf4j.Extension;

/**
 * CSV: sensor readings, one {@code name,value} per line, e.g. {@code temperature,21.5}. Answers
 * ACK with the number of readings, or BAD_PAYLOAD naming the first bad line. When a reading is above
 * the {@code alert-above} setting (HOME/conf/plugins/csv.properties), the client gets an ALERT push.
 * Thread-safe: no mutable state of its own.
 */
@Extension
public final class CsvReadingsHandler implements MessageHandler {
    private final PluginContext context;
    private final double alertAbove;

    public CsvReadingsHandler(PluginContext context) {
        this.context = context;
        String limit = context.config().getOrDefault("alert-above", "Infinity");
        try {
            this.alertAbove = Double.parseDouble(limit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("csv plugin setting alert-above must be a number, got '" + limit + "'");
        }
    }

    @Override
    public Set<String> types() {
        return Set.of("CSV");
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        String[] lines = new String(message.payload(), StandardCharsets.UTF_8).split("\r?\n");
        int readings = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String[] cells = lines[i].split(",", -1);
            if (cells.length != 2 || cells[0].isBlank()) {
                return HandlerResult.badPayload("line " + (i + 1) + ": expected name,value");
            }
            double value;
            try {
                value = Double.parseDouble(cells[1].trim());
            } catch (NumberFormatException e) {
                return HandlerResult.badPayload("line " + (i + 1) + ": '" + cells[1].trim() + "' is not a number");
            }
            if (value > alertAbove) {
                context.push(message.clientName(), "ALERT",
                        (cells[0].trim() + " is " + value).getBytes(StandardCharsets.UTF_8));
            }
            readings++;
        }
        if (readings == 0) {
            return HandlerResult.badPayload("no readings");
        }
        context.metrics().add("readings", readings);
        return HandlerResult.ack(readings + " readings");
    }
}
