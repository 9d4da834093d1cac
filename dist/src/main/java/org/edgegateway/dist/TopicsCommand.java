package org.edgegateway.dist;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.edgegateway.core.pubsub.SubscriptionView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code topics}: broadcast on the gateway's CURVE publisher. */
@Command(name = "topics", description = "Topic broadcast to subscribed clients.",
        subcommands = {TopicsCommand.Publish.class, TopicsCommand.Subscriptions.class})
final class TopicsCommand {
    @ParentCommand
    Main main;

    /** {@code topics publish TOPIC --data D}. */
    @Command(name = "publish", description = "Publish a message on a topic (late subscribers get the last value).")
    static final class Publish implements Callable<Integer> {
        @ParentCommand
        TopicsCommand topics;

        @Parameters(paramLabel = "TOPIC")
        String topic;

        @Option(names = "--data", required = true, paramLabel = "TEXT")
        String data;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(topics.main.home())) {
                session.admin().publish(topic, data.getBytes(StandardCharsets.UTF_8), CommandBackend.actor());
                System.out.println("published on " + topic);
            }
            return Main.OK;
        }
    }

    /** {@code topics subscriptions}. */
    @Command(name = "subscriptions", description = "Who subscribes to what.")
    static final class Subscriptions implements Callable<Integer> {
        @ParentCommand
        TopicsCommand topics;

        @Override
        public Integer call() {
            try (CommandBackend session = CommandBackend.open(topics.main.home())) {
                for (SubscriptionView v : session.admin().subscriptions()) {
                    System.out.println(v);
                }
            }
            return Main.OK;
        }
    }
}
