package org.dqnsweep.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script started as a server answers request lines, its {@code #} lines are kept as notes, and one that dies is
 * reported with its stderr.
 */
class VenvServerTest {
  @Test
  void answersLinesAndReportsADeathWithItsStderr(@TempDir Path home) throws Exception {
    Path python = Venv.python();
    Files.createDirectories(home.resolve(".venv/bin"));
    Files.createSymbolicLink(home.resolve(".venv/bin/python"), python);
    Files.createDirectories(home.resolve("scripts"));
    Files.writeString(home.resolve("scripts/doubler.py"), """
        import sys
        print("# a note before ready", flush=True)
        print("ready", flush=True)
        for line in sys.stdin:
            what, n = line.split()
            if what == "die":
                sys.stderr.write("boom: asked to die\\n")
                sys.exit(3)
            if what == "noted":
                print("# a note in a reply", flush=True)
            print(f"value_ms={2 * float(n)}", flush=True)
        """);
    String before = System.getProperty("dqn.home");
    System.setProperty("dqn.home", home.toString());
    try (Venv.Server server = Venv.startScript("doubler.py")) {
      assertEquals(42.0, server.ask("double 21", "value_ms"));
      assertEquals(3.0, server.ask("noted 1.5", "value_ms"));
      assertEquals(List.of("# a note before ready", "# a note in a reply"), server.notes());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> server.ask("die 0", "value_ms"));
      assertTrue(e.getMessage().contains("ended") && e.getMessage().contains("boom: asked to die"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("dqn.home");
      } else {
        System.setProperty("dqn.home", before);
      }
    }
  }
}
