package org.dqnsweep.env;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ale.ALEInterface;
import org.bytedeco.ale.ALEState;
import org.bytedeco.ale.ColourPalette;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * One Arcade Learning Environment emulator in-process (bytedeco ALE 0.7.3), configured like gym's
 * {@code <Game>NoFrameskip-v4}: one emulator frame per step, no sticky actions, the game's minimal action set in
 * ALE's order (gym's order), and an episode limit counted in emulator frames (a truncation, not a game over).
 * Observations are the 210x160 grayscale screen from ALE's palette, read only when asked for.
 */
public final class AleEnv implements Env, PalettedScreen {
  static {
    // ALE logs a banner and settings to stderr at every construction; keep errors only (ale::Logger::Error = 2).
    Loader.load(org.bytedeco.ale.global.ale.class);
    Pointer mode = Loader.addressof("_ZN3ale6Logger12current_modeE");
    if (mode != null) {
      new IntPointer(mode).put(2);
    }
  }

  /** ALE action names by ALE action id (gym's {@code ACTION_MEANING}). */
  static final String[] ALE_ACTIONS = {
    "NOOP", "FIRE", "UP", "RIGHT", "LEFT", "DOWN", "UPRIGHT", "UPLEFT", "DOWNRIGHT", "DOWNLEFT",
    "UPFIRE", "RIGHTFIRE", "LEFTFIRE", "DOWNFIRE", "UPRIGHTFIRE", "UPLEFTFIRE", "DOWNRIGHTFIRE", "DOWNLEFTFIRE"
  };

  private final ALEInterface ale;
  private final int[] actionSet;
  private final List<String> meanings;
  private final long maxEpisodeFrames;
  private final int height;
  private final int width;
  private final BytePointer screenIndices;
  private final byte[] grayscale = new byte[256];
  private final int[] rgb = new int[256];
  private final byte[] indices;
  private final byte[] screen;
  private boolean screenFresh;
  private long episodeFrames;
  private long totalFrames;

  /**
   * @param rom a ROM path already checked by {@link Roms#check}
   * @param seed ALE's {@code random_seed} (only matters with sticky actions)
   * @param repeatActionProbability sticky-action probability (v4 semantics: 0)
   * @param maxEpisodeFrames truncate an episode after this many emulator frames
   */
  public AleEnv(Path rom, int seed, double repeatActionProbability, long maxEpisodeFrames) {
    Roms.check(rom); // loadROM would exit(1) on a bad file
    this.ale = new ALEInterface();
    ale.setInt("random_seed", seed);
    ale.setFloat("repeat_action_probability", (float) repeatActionProbability);
    ale.setInt("frame_skip", 1);
    ale.setBool("color_averaging", false);
    ale.loadROM(rom.toString());
    IntPointer minimal = ale.getMinimalActionSet();
    this.actionSet = new int[(int) minimal.limit()];
    minimal.get(actionSet);
    List<String> names = new ArrayList<>();
    for (int a : actionSet) {
      names.add(ALE_ACTIONS[a]);
    }
    this.meanings = List.copyOf(names);
    this.maxEpisodeFrames = maxEpisodeFrames;
    this.height = (int) ale.getScreen().height();
    this.width = (int) ale.getScreen().width();
    this.screenIndices = ale.getScreen().getArray(); // stays valid across act(): ALE reuses one screen buffer
    ColourPalette palette = ale.theOSystem().colourPalette();
    for (int i = 0; i < 256; i++) {
      grayscale[i] = palette.getGrayscale(i);
      rgb[i] = palette.getRGB(i) & 0xFFFFFF;
    }
    this.indices = new byte[height * width];
    this.screen = new byte[height * width];
  }

  @Override
  public int[] observationShape() {
    return new int[] {height, width};
  }

  @Override
  public int actionCount() {
    return actionSet.length;
  }

  @Override
  public List<String> actionMeanings() {
    return meanings;
  }

  @Override
  public byte[] reset() {
    ale.reset_game();
    episodeFrames = 0;
    screenFresh = false;
    return observation();
  }

  @Override
  public Step step(int action) {
    if (action < 0 || action >= actionSet.length) {
      throw new IllegalArgumentException("action " + action + " outside [0, " + actionSet.length + ")");
    }
    int reward = ale.act(actionSet[action]);
    episodeFrames++;
    totalFrames++;
    screenFresh = false;
    boolean over = ale.game_over();
    boolean truncated = !over && episodeFrames >= maxEpisodeFrames;
    return new Step(reward, reward, over, truncated, over);
  }

  @Override
  public byte[] observation() {
    if (!screenFresh) {
      copyScreenIndices(indices);
      for (int p = 0; p < screen.length; p++) {
        screen[p] = grayscale[indices[p] & 0xFF];
      }
      screenFresh = true;
    }
    return screen;
  }

  @Override
  public void copyScreenIndices(byte[] dst) {
    screenIndices.get(dst, 0, height * width);
  }

  @Override
  public byte[] grayscalePalette() {
    return grayscale.clone();
  }

  @Override
  public int[] rgbPalette() {
    return rgb.clone();
  }

  @Override
  public int[] screenShape() {
    return new int[] {height, width};
  }

  @Override
  public int lives() {
    return ale.lives();
  }

  @Override
  public long emulatorFrames() {
    return totalFrames;
  }

  /** Emulator frames in the current episode. */
  public long episodeFrames() {
    return episodeFrames;
  }

  /** The whole emulator (system state, including ALE's generator) plus the frame counters. */
  @Override
  public void saveState(DataOutputStream out) throws IOException {
    try (ALEState state = ale.cloneSystemState(); BytePointer bytes = state.serialize()) {
      byte[] b = new byte[(int) bytes.limit()];
      bytes.get(b);
      out.writeInt(b.length);
      out.write(b);
    }
    out.writeLong(episodeFrames);
    out.writeLong(totalFrames);
  }

  @Override
  public void loadState(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    try (BytePointer bytes = new BytePointer(b.length); ) {
      bytes.put(b).limit(b.length);
      try (ALEState state = new ALEState(bytes)) {
        ale.restoreSystemState(state);
      }
    }
    episodeFrames = in.readLong();
    totalFrames = in.readLong();
    screenFresh = false;
  }

  @Override
  public void close() {
    ale.close();
  }
}
