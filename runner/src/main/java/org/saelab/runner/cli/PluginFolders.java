package org.saelab.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where plugin jars are looked for: --plugin-path folders, then the plugins/ folder of saelab's home. */
final class PluginFolders {
    private PluginFolders() {}

    static List<Path> resolve(List<Path> explicit) {
        List<Path> folders = new ArrayList<>(explicit);
        String home = System.getProperty("saelab.home");
        if (home != null) {
            folders.add(Path.of(home, "plugins"));
        }
        return folders;
    }
}
