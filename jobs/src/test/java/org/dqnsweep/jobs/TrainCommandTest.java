package org.dqnsweep.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** bin/dqn train and play as a user runs them. */
class TrainCommandTest {
  private static final String CARTPOLE = Path.of(System.getProperty("dqn.home", ".."))
      .resolve("conf/trials/cartpole.yaml").toString();
  private static final String PONG_SMOKE = Path.of(System.getProperty("dqn.home", ".."))
      .resolve("conf/trials/pong-smoke.yaml").toString();

  private static CliRunner.Run cli(String... args) {
    return CliRunner.run(args);
  }

  @Test
  void everyCommandHasHelp() {
    CommandLine root = new CommandLine(new Cli());
    assertHelp(root, "dqn");
  }

  private static void assertHelp(CommandLine cmd, String path) {
    assertTrue(cmd.getCommandSpec().mixinStandardHelpOptions() || cmd.getCommandName().equals("help"),
        path + " has no --help");
    for (CommandLine sub : cmd.getSubcommands().values()) {
      assertHelp(sub, path + " " + sub.getCommandName());
    }
  }

  @Test
  void trainWritesMetricsAndRefusesToOverwriteThenResumes(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("run");
    CliRunner.Run first = cli("train", "--config", CARTPOLE, "--output", out.toString(), "--set", "trainer.max_agent_steps=600",
        "--set", "learner.learn_start_agent_steps=100", "--set", "trainer.eval_episodes=2",
        "--set", "trainer.progress_every_agent_steps=200");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("max_agent_steps: 600"), "the resolved config is printed");
    assertTrue(first.out().contains("step 600/600"), first.out());
    List<String> train = Files.readAllLines(out.resolve("train.csv"));
    assertEquals(4, train.size(), "header + 3 intervals: " + train);
    assertTrue(Files.readAllLines(out.resolve("episodes.csv")).size() > 5);
    assertTrue(Files.exists(out.resolve("result.yaml")));
    java.awt.image.BufferedImage curve = javax.imageio.ImageIO.read(out.resolve("learning_curve.png").toFile());
    assertEquals(900, curve.getWidth(), "the learning curve is drawn from the run's CSVs");

    CliRunner.Run again = cli("train", "--config", CARTPOLE, "--output", out.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("is not empty: pass --resume"), again.err());

    // without --config a resume reads the run's own config.yaml (the first run's overrides included)
    CliRunner.Run more = cli("train", "--output", out.toString(), "--resume", "--set", "trainer.max_agent_steps=800");
    assertEquals(0, more.code(), more.err());
    assertTrue(more.out().contains("resuming at agent step 600"), more.out());
    assertEquals(5, Files.readAllLines(out.resolve("train.csv")).size(), "one more interval, none repeated");

    // a setting a resume may change (as population-based training does) is applied and recorded; any other is
    // refused by name, with config.yaml left as it was
    CliRunner.Run lr = cli("train", "--config", CARTPOLE, "--output", out.toString(), "--resume", "--set",
        "trainer.max_agent_steps=1000", "--set", "learner.learn_start_agent_steps=100", "--set",
        "trainer.eval_episodes=2", "--set", "trainer.progress_every_agent_steps=200", "--set", "learner.lr=1.0e-3",
        "--set", "exploration.end=0.1");
    assertEquals(0, lr.code(), lr.err());
    assertTrue(lr.out().contains("from agent step 800: learner.lr 5.0E-4 -> 0.001"), lr.out());
    assertEquals(List.of("step,key,before,after", "800,learner.lr,5.0E-4,0.001", "800,exploration.end,0.02,0.1"),
        Files.readAllLines(out.resolve("config_history.csv")));
    String config = Files.readString(out.resolve("config.yaml"));
    assertTrue(config.contains("lr: 0.001"), config);
    CliRunner.Run batch = cli("train", "--config", CARTPOLE, "--output", out.toString(), "--resume", "--set",
        "trainer.max_agent_steps=1200", "--set", "learner.learn_start_agent_steps=100", "--set",
        "learner.lr=1.0e-3", "--set", "exploration.end=0.1", "--set", "learner.batch_size=16");
    assertEquals(2, batch.code(), batch.out() + batch.err());
    assertTrue(batch.err().contains("error: --resume: the checkpoint was written with another config "
        + "(learner.batch_size: 64 in the checkpoint, 16 now)"), batch.err());
    assertEquals(config, Files.readString(out.resolve("config.yaml")), "config.yaml untouched");
  }

  @Test
  void badOverridesAndMissingFilesAreClearErrors(@TempDir Path dir) {
    CliRunner.Run typo = cli("train", "--config", CARTPOLE, "--output", dir.resolve("a").toString(), "--set", "learner.lr_=1");
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("learner.lr_: unknown key; did you mean 'lr'"), typo.err());
    CliRunner.Run range = cli("train", "--config", CARTPOLE, "--output", dir.resolve("b").toString(), "--set",
        "learner.gamma=1.5");
    assertEquals(2, range.code());
    assertTrue(range.err().contains("learner.gamma"), range.err());
    CliRunner.Run missing = cli("train", "--config", "no/such.yaml", "--output", dir.resolve("c").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("file not found"), missing.err());
    CliRunner.Run resume = cli("train", "--config", CARTPOLE, "--output", dir.resolve("d").toString(), "--resume");
    assertEquals(2, resume.code());
    assertTrue(resume.err().contains("no checkpoint"), resume.err());
    CliRunner.Run noConfig = cli("train", "--output", dir.resolve("e").toString());
    assertEquals(2, noConfig.code());
    assertTrue(noConfig.err().contains("error: --config: missing"), noConfig.err());
    CliRunner.Run noSavedConfig = cli("train", "--output", dir.resolve("f").toString(), "--resume");
    assertEquals(2, noSavedConfig.code());
    assertTrue(noSavedConfig.err().contains("no config.yaml in"), noSavedConfig.err());
    assertTrue(Files.notExists(dir.resolve("a")), "nothing is written before the config is valid");
  }

  @Test
  void playEvaluatesACheckpointAndWritesAGif(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("pong");
    CliRunner.Run train = cli("train", "--config", PONG_SMOKE, "--output", run.toString(), "--set",
        "trainer.max_agent_steps=250", "--set", "trainer.eval_episodes=0");
    assertEquals(0, train.code(), train.err());
    Path gif = dir.resolve("game.gif");
    CliRunner.Run play = cli("play", "--checkpoint", run.toString(), "--episodes", "1", "--gif", gif.toString());
    assertEquals(0, play.code(), play.err());
    assertTrue(play.out().contains("mean_return=-"), play.out()); // an untrained agent loses
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      int frames = reader.getNumImages(true);
      assertTrue(frames > 100, "frames: " + frames);
      BufferedImage first = reader.read(0);
      assertEquals(160, first.getWidth());
      assertEquals(210, first.getHeight());
      assertEquals(0x904811, first.getRGB(80, 100) & 0xFFFFFF, "Pong's brown background, in the emulator's colours");
    }
    CliRunner.Run again = cli("play", "--checkpoint", run.toString(), "--gif", gif.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("exists"), again.err());
  }
}
