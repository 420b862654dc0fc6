package org.dqnsweep.env;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.ale.StringOptional;
import org.dqnsweep.util.Venv;

/**
 * Finds Atari ROMs and refuses bad ones before ALE sees them: ALE 0.7.3's {@code loadROM} calls {@code exit(1)}
 * on a missing or unsupported file, which would kill the JVM (in production, a whole Spark executor).
 *
 * <p>Search order: the explicit folder (config {@code env.rom_dir} / {@code --rom-dir}), then {@code ALE_ROM_DIR},
 * then the {@code ale_py/roms} folder of the project venv (the pinned {@code ale-py} wheel ships the ROMs). The
 * project never ships a ROM itself.
 */
public final class Roms {
  private Roms() {}

  /** Thrown when no usable ROM is found; the message lists every place searched and how to get ROMs. */
  public static final class RomNotFoundException extends RuntimeException
      implements org.dqnsweep.config.NotRetryable {
    public RomNotFoundException(String message) {
      super(message);
    }
  }

  /** ROM file name for a game name: {@code Pong} / {@code pong} -> pong.bin, {@code SpaceInvaders} -> space_invaders.bin. */
  public static String fileName(String game) {
    String snake = game.replaceAll("NoFrameskip-v\\d+$", "").replaceAll("-v\\d+$", "")
        .replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2").replace('-', '_').toLowerCase(Locale.ROOT);
    return snake + ".bin";
  }

  /** Resolves and checks the ROM of {@code game}; {@code romDir} may be null. */
  public static Path find(String game, String romDir) {
    String file = fileName(game);
    List<Path> searched = new ArrayList<>();
    for (Path dir : searchPath(romDir)) {
      Path candidate = dir.resolve(file);
      searched.add(candidate);
      if (Files.isRegularFile(candidate)) {
        return check(candidate);
      }
    }
    StringBuilder msg = new StringBuilder("No ROM '" + file + "' for game '" + game + "'. Searched:\n");
    for (Path p : searched) {
      msg.append("  ").append(p).append('\n');
    }
    if (searched.isEmpty()) {
      msg.append("  (no folder: env.rom_dir unset, ALE_ROM_DIR unset, no project venv found)\n");
    }
    msg.append("Fix: run bin/setup (it installs the pinned ale-py, which ships the ROMs, into .venv), or pass "
        + "--rom-dir / set ALE_ROM_DIR / env.rom_dir to a folder with ").append(file).append('.');
    List<String> available = available(searchPath(romDir));
    if (!available.isEmpty()) {
      msg.append(" Games found there: ").append(String.join(", ", available)).append('.');
    }
    throw new RomNotFoundException(msg.toString());
  }

  /** Throws unless ALE recognizes the file (by its MD5) as a supported ROM. */
  public static Path check(Path rom) {
    if (!Files.isRegularFile(rom) || !Files.isReadable(rom)) {
      throw new RomNotFoundException("ROM " + rom + " is not a readable file");
    }
    try {
      // The optional is empty for an unknown MD5; get() then throws "bad optional access".
      StringOptional supported = ALEInterface.isSupportedROM(rom.toString());
      if (supported != null && !supported.isNull() && supported.get() != null) {
        return rom;
      }
    } catch (RuntimeException e) {
      // JavaCPP turns ALE's C++ exceptions into RuntimeException; all of them mean "not a supported ROM".
    }
    throw new RomNotFoundException("ROM " + rom + " is not a ROM that ALE 0.7.3 supports (its MD5 is unknown). "
        + "Use the ROMs shipped by the pinned ale-py in .venv, or a ROM with the same MD5.");
  }

  private static List<Path> searchPath(String romDir) {
    List<Path> dirs = new ArrayList<>();
    if (romDir != null && !romDir.isBlank()) {
      dirs.add(Path.of(romDir));
      return dirs; // an explicit folder is the only place looked at
    }
    String env = System.getenv("ALE_ROM_DIR");
    if (env != null && !env.isBlank()) {
      dirs.add(Path.of(env));
    }
    dirs.addAll(venvRomDirs());
    return dirs;
  }

  /** {@code ale_py/roms} in the project venv ({@link Venv#home()}/.venv). */
  private static List<Path> venvRomDirs() {
    List<Path> dirs = new ArrayList<>();
    Path lib = Venv.home().resolve(".venv/lib");
    if (!Files.isDirectory(lib)) {
      return dirs;
    }
    try (DirectoryStream<Path> pythons = Files.newDirectoryStream(lib, "python3*")) {
      for (Path py : pythons) {
        Path roms = py.resolve("site-packages/ale_py/roms");
        if (Files.isDirectory(roms)) {
          dirs.add(roms);
        }
      }
    } catch (IOException e) {
      throw new RomNotFoundException("cannot list " + lib + ": " + e.getMessage());
    }
    return dirs;
  }

  private static List<String> available(List<Path> dirs) {
    List<String> games = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.bin")) {
        for (Path f : files) {
          games.add(f.getFileName().toString().replace(".bin", ""));
        }
      } catch (IOException e) {
        // listing is only a hint in an error message already being raised
      }
    }
    games.sort(null);
    return games;
  }
}
