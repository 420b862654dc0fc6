package org.dqnsweep.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LearningCurveTest {
  @Test
  void drawsTheCurvesInTheirColoursAtTheRequestedSize() throws IOException {
    List<LearningCurve.Game> games = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      games.add(new LearningCurve.Game(100L * (i + 1), -21 + i * 0.8, -21 + i * 0.7));
    }
    List<LearningCurve.Eval> evals = List.of(new LearningCurve.Eval(2500, -5), new LearningCurve.Eval(5000, 15));
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(LearningCurve.png("t-1", games, evals, 640, 360)));
    assertEquals(640, img.getWidth());
    assertEquals(360, img.getHeight());
    int mean10 = 0;
    int eval = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        mean10 += rgb == 0x1446aa ? 1 : 0; // the mean-of-10 line's blue
        eval += rgb == 0xd2501e ? 1 : 0; // the evaluations' orange
      }
    }
    assertTrue(mean10 > 200, "the mean-of-10 line is drawn: " + mean10 + " pixels");
    assertTrue(eval > 50, "the evaluation line is drawn: " + eval + " pixels");
  }
}
