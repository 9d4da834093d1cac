package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

/** The shaded jar is the original JeroMQ jar, entry for entry and byte for byte, but for the poller, the coder bases and the signaler. */
class ShadedJarIT {

    /**
     * Exactly the classes of zmq/poll/Poller.java, zmq/poll/PollerBase.java, zmq/io/coder/DecoderBase.java,
     * zmq/io/coder/EncoderBase.java and zmq/Signaler.java in JeroMQ 0.6.0.
     */
    static final Set<String> REPLACED = Set.of(
            "zmq/poll/Poller.class", "zmq/poll/Poller$Handle.class",
            "zmq/poll/PollerBase.class", "zmq/poll/PollerBase$TimerInfo.class",
            "zmq/io/coder/DecoderBase.class", "zmq/io/coder/EncoderBase.class",
            "zmq/Signaler.class", "zmq/Signaler$IoOperation.class");
    /** Left out on purpose (see the pom). */
    static final Set<String> DROPPED = Set.of("module-info.class", "META-INF/MANIFEST.MF");

    static Map<String, byte[]> entries(JarFile jar) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        for (ZipEntry e : java.util.Collections.list(jar.entries())) {
            if (e.isDirectory()) {
                continue;
            }
            try (InputStream in = jar.getInputStream(e)) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    @Test
    void everyOriginalEntryButThePollerIsThereUnchanged() throws Exception {
        Map<String, byte[]> original;
        Map<String, byte[]> ours;
        try (JarFile o = new JarFile(Jars.original().toFile()); JarFile s = new JarFile(Jars.ours().toFile())) {
            original = entries(o);
            ours = entries(s);
        }
        assertThat(original.keySet()).containsAll(REPLACED).containsAll(DROPPED);
        assertThat(original.keySet().stream().filter(n -> n.startsWith("zmq/poll/Poller"))).as("nothing else belongs to those two classes")
                .containsExactlyInAnyOrderElementsOf(REPLACED.stream().filter(n -> n.startsWith("zmq/poll/Poller")).toList());
        assertThat(original.keySet().stream().filter(n -> n.startsWith("zmq/io/coder/DecoderBase")
                || n.startsWith("zmq/io/coder/EncoderBase"))).as("the coder bases have no nested classes")
                .containsExactlyInAnyOrder("zmq/io/coder/DecoderBase.class", "zmq/io/coder/EncoderBase.class");
        assertThat(original.keySet().stream().filter(n -> n.startsWith("zmq/Signaler"))).as("the signaler's classes")
                .containsExactlyInAnyOrder("zmq/Signaler.class", "zmq/Signaler$IoOperation.class");

        Set<String> missing = new TreeSet<>();
        Set<String> changed = new TreeSet<>();
        for (Map.Entry<String, byte[]> e : original.entrySet()) {
            String name = e.getKey();
            if (REPLACED.contains(name) || DROPPED.contains(name)) {
                continue;
            }
            byte[] copy = ours.get(name);
            if (copy == null) {
                missing.add(name);
            } else if (!Arrays.equals(copy, e.getValue())) {
                changed.add(name);
            }
        }
        assertThat(missing).as("original entries missing").isEmpty();
        assertThat(changed).as("original entries changed").isEmpty();

        Set<String> added = new TreeSet<>(ours.keySet());
        added.removeAll(original.keySet());
        assertThat(added).as("what the module adds").allMatch(n -> n.startsWith("org/edgegateway/transport/")
                || n.startsWith("META-INF/maven/org.edgegateway/edge-gateway-jeromq/")
                || n.equals("META-INF/LICENSE-JeroMQ-MPL-2.0.txt")
                || n.equals("META-INF/NOTICE-edge-gateway-jeromq.txt"));
        assertThat(added).contains("META-INF/LICENSE-JeroMQ-MPL-2.0.txt", "META-INF/NOTICE-edge-gateway-jeromq.txt",
                "org/edgegateway/transport/TimerQueue.class", "org/edgegateway/transport/CoderBuffers.class");

        // the poller's three classes, the two coder bases and the signaler are there, and they are not the original's
        for (String name : Set.of("zmq/poll/Poller.class", "zmq/poll/Poller$Handle.class", "zmq/poll/PollerBase.class",
                "zmq/io/coder/DecoderBase.class", "zmq/io/coder/EncoderBase.class", "zmq/Signaler.class")) {
            assertThat(ours).containsKey(name);
            assertThat(ours.get(name)).as(name).isNotEqualTo(original.get(name));
        }
        assertThat(ours).doesNotContainKey("zmq/poll/PollerBase$TimerInfo.class")
                .doesNotContainKey("zmq/Signaler$IoOperation.class").doesNotContainKey("module-info.class");
        assertThat(new String(ours.get("META-INF/MANIFEST.MF"), java.nio.charset.StandardCharsets.UTF_8))
                .contains("Automatic-Module-Name: org.zeromq.jeromq");
        assertThat(new String(ours.get("META-INF/LICENSE-JeroMQ-MPL-2.0.txt"), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("Mozilla Public License Version 2.0");
    }
}
