package org.dqnsweep.io;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * An animated, looping GIF of palette-indexed frames: Atari screens are palette indices already, so each frame is
 * written as-is with the emulator's 256-colour palette.
 */
public final class GifWriter implements AutoCloseable {
  private final ImageWriter writer;
  private final ImageOutputStream stream;
  private final IndexColorModel palette;
  private final int height;
  private final int width;
  private final int delayCentiseconds;
  private final BufferedImage image;

  /**
   * @param rgb 256 colours as 0xRRGGBB
   * @param framesPerSecond playback speed (the GIF delay has a resolution of 1/100 s)
   */
  public GifWriter(OutputStream out, int[] rgb, int height, int width, int framesPerSecond) throws IOException {
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    for (int i = 0; i < 256; i++) {
      r[i] = (byte) (rgb[i] >> 16);
      g[i] = (byte) (rgb[i] >> 8);
      b[i] = (byte) rgb[i];
    }
    this.palette = new IndexColorModel(8, 256, r, g, b);
    this.height = height;
    this.width = width;
    this.delayCentiseconds = Math.max(2, Math.round(100f / framesPerSecond));
    this.image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, palette);
    this.writer = ImageIO.getImageWritersByFormatName("gif").next();
    this.stream = ImageIO.createImageOutputStream(out);
    writer.setOutput(stream);
    writer.prepareWriteSequence(streamMetadata());
  }

  /** Appends one frame of {@code height*width} palette indices. */
  public void add(byte[] indices) throws IOException {
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    System.arraycopy(indices, 0, pixels, 0, height * width);
    ImageWriteParam param = writer.getDefaultWriteParam();
    IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
    String format = meta.getNativeMetadataFormatName();
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
    IIOMetadataNode local = child(root, "LocalColorTable"); // ImageIO's default is a 6x6x6 cube: use the global
    root.removeChild(local);
    IIOMetadataNode control = child(root, "GraphicControlExtension");
    control.setAttribute("disposalMethod", "none");
    control.setAttribute("userInputFlag", "FALSE");
    control.setAttribute("transparentColorFlag", "FALSE");
    control.setAttribute("delayTime", Integer.toString(delayCentiseconds));
    control.setAttribute("transparentColorIndex", "0");
    IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
    loop.setAttribute("applicationID", "NETSCAPE");
    loop.setAttribute("authenticationCode", "2.0");
    loop.setUserObject(new byte[] {1, 0, 0}); // loop forever
    child(root, "ApplicationExtensions").appendChild(loop);
    meta.setFromTree(format, root);
    writer.writeToSequence(new IIOImage(image, null, meta), param);
  }

  /** The logical screen and the palette as the GIF's global colour table, written once for all frames. */
  private IIOMetadata streamMetadata() throws IOException {
    IIOMetadata meta = writer.getDefaultStreamMetadata(writer.getDefaultWriteParam());
    String format = meta.getNativeMetadataFormatName();
    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
    IIOMetadataNode screen = child(root, "LogicalScreenDescriptor");
    screen.setAttribute("logicalScreenWidth", Integer.toString(width));
    screen.setAttribute("logicalScreenHeight", Integer.toString(height));
    screen.setAttribute("colorResolution", "8");
    screen.setAttribute("pixelAspectRatio", "0");
    IIOMetadataNode table = child(root, "GlobalColorTable");
    table.setAttribute("sizeOfGlobalColorTable", "256");
    table.setAttribute("backgroundColorIndex", "0");
    table.setAttribute("sortFlag", "FALSE");
    fill(table);
    meta.setFromTree(format, root);
    return meta;
  }

  private void fill(IIOMetadataNode table) {
    for (int i = 0; i < 256; i++) {
      IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
      entry.setAttribute("index", Integer.toString(i));
      entry.setAttribute("red", Integer.toString(palette.getRed(i)));
      entry.setAttribute("green", Integer.toString(palette.getGreen(i)));
      entry.setAttribute("blue", Integer.toString(palette.getBlue(i)));
      table.appendChild(entry);
    }
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
        return (IIOMetadataNode) root.item(i);
      }
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }

  @Override
  public void close() throws IOException {
    writer.endWriteSequence();
    stream.close();
    writer.dispose();
  }
}
