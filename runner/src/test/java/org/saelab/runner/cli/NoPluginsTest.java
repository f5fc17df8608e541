package org.saelab.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The runner module's own class path has no plugins: the CLI must say so and exit non-zero. */
class NoPluginsTest {
    @Test
    void listWithoutPluginsFailsWithAClearMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"list"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_USAGE, code);
        assertTrue(message.startsWith("error: no saelab plugins found on the class path"), message);
        assertEquals(1, message.strip().lines().count(), "one line: " + message);
    }
}
