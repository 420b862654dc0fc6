package org.dqnsweep.util;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The project's Python side: the venv that {@code bin/setup} creates at {@code <dqn.home>/.venv} and the scripts
 * under {@code scripts/}. Used for the reference implementations (gymnasium + ale-py) that parity tests and
 * {@code --reference} benchmarks compare against.
 */
public final class Venv {
  private Venv() {}

  /** The project root: system property {@code dqn.home} (set by bin/dqn and the test runner), else the cwd. */
  public static Path home() {
    String home = System.getProperty("dqn.home");
    return (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
  }

  /** The venv's python, or an error saying how to create it. */
  public static Path python() {
    Path python = home().resolve(".venv/bin/python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException("no project venv at " + python.getParent().getParent()
          + "; run bin/setup to create it from requirements.txt");
    }
    return python;
  }

  private static List<String> command(String script, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(python().toString());
    cmd.add(home().resolve("scripts").resolve(script).toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs {@code scripts/<script>} with the venv python; returns its stdout, or throws with its stderr. */
  public static String runScript(String script, String... args) {
    List<String> cmd = command(script, args);
    try {
      Path err = Files.createTempFile("dqn-python", ".err");
      try {
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (code != 0) {
          throw new IllegalStateException(String.join(" ", cmd) + " failed with exit code " + code + ":\n"
              + Files.readString(err));
        }
        return out;
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + script, e);
    }
  }

  /**
   * Starts {@code scripts/<script>} as a server that answers one stdin line with one stdout line, once it has
   * printed {@code ready}: for references that must stay warm while a benchmark alternates with them. Lines
   * starting with {@code #} are notes for the report, kept aside ({@link Server#notes}) wherever they come.
   */
  public static Server startScript(String script, String... args) {
    List<String> cmd = command(script, args);
    try {
      Path err = Files.createTempFile("dqn-python", ".err");
      Server server = new Server(new ProcessBuilder(cmd).redirectError(err.toFile()).start(), err,
          String.join(" ", cmd));
      server.expect("ready");
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
    }
  }

  /** A running script from {@link #startScript}; closing it ends its stdin and waits for it. */
  public static final class Server implements AutoCloseable {
    private final Process process;
    private final Path err;
    private final String command;
    private final BufferedReader out;
    private final PrintStream in;
    private final List<String> notes = new ArrayList<>();

    private Server(Process process, Path err, String command) {
      this.process = process;
      this.err = err;
      this.command = command;
      this.out = process.inputReader(StandardCharsets.UTF_8);
      this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Sends one request line and returns the {@code name=value} figure of the reply line. */
    public double ask(String request, String name) {
      in.println(request);
      return figure(expect(name + "="), name);
    }

    /** The {@code #} lines the script has printed so far. */
    public List<String> notes() {
      return List.copyOf(notes);
    }

    private String expect(String prefix) {
      try {
        String line = out.readLine();
        while (line != null && line.startsWith("#")) {
          notes.add(line);
          line = out.readLine();
        }
        if (line == null || !line.startsWith(prefix)) {
          process.waitFor(5, TimeUnit.SECONDS);
          throw new IllegalStateException(command + (line == null ? " ended" : " answered '" + line + "'")
              + " where '" + prefix + "' was expected:\n" + Files.readString(err));
        }
        return line;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read from " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + command, e);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } finally {
        Files.deleteIfExists(err);
      }
    }
  }

  /**
   * Installs {@code requirement} into the venv unless {@code module} already imports: for heavy tools needed only
   * by optional commands (torch for {@code --reference}), kept out of the test set-up.
   */
  public static void ensurePackage(String module, String requirement) {
    try {
      Process check = new ProcessBuilder(python().toString(), "-c", "import " + module)
          .redirectErrorStream(true).start();
      check.getInputStream().readAllBytes();
      if (check.waitFor() == 0) {
        return;
      }
      System.err.println("installing " + requirement + " into the project venv (first use only; large download)");
      Process install = new ProcessBuilder(python().toString(), "-m", "pip", "install", "--quiet",
          "--disable-pip-version-check", requirement).inheritIO().start();
      if (install.waitFor() != 0) {
        throw new IllegalStateException("pip install " + requirement + " failed (exit " + install.exitValue() + ")");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run the venv's python", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + requirement, e);
    }
  }

  /** The value of a {@code name=value} line in a script's output ({@code nan}, as Python prints it, is NaN). */
  public static double figure(String output, String name) {
    for (String line : output.split("\n")) {
      if (line.startsWith(name + "=")) {
        String value = line.substring(name.length() + 1).trim();
        return value.equalsIgnoreCase("nan") ? Double.NaN : Double.parseDouble(value);
      }
    }
    throw new IllegalStateException("no '" + name + "=' line in:\n" + output);
  }
}
