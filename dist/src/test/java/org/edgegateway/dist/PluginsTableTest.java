package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.edgegateway.core.plugins.PluginInfo;
import org.edgegateway.core.plugins.PluginState;
import org.junit.jupiter.api.Test;

class PluginsTableTest {

    @Test
    void listsEachPluginWithItsStateAndWhoSignedIt() {
        Path file = Path.of("p.zip");
        String listing = PluginsCommand.table(List.of(
                new PluginInfo("json", "0.1.0", "Edge Gateway", file, true, Set.of("JSON"), PluginState.STARTED, "",
                        "ab12"),
                new PluginInfo("bad", "1.0", "", file, false, Set.of(), PluginState.REFUSED,
                        "unsigned: no bad.zip.sig next to it", "")));

        List<String> lines = listing.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("ID").contains("VERSION", "TYPES", "STATE", "DETAIL");
        assertThat(lines.get(1)).startsWith("json").contains("JSON", "started", "signed by ab12, built-in");
        assertThat(lines.get(2)).startsWith("bad").contains("-", "refused", "unsigned: no bad.zip.sig next to it");
    }
}
